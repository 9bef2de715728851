// Small helpers shared by the editor canvas bench modules.

export const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
