// `npm run build` step: bundles the journey workflow (interpreter + built-in executors) once per release
// into workers/dist/workflow-bundle.js, which the compiled worker loads instead of bundling at start.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleJourneyWorkflows } from '../workers/src/worker.ts';

const target = fileURLToPath(new URL('../workers/dist/workflow-bundle.js', import.meta.url));
const started = Date.now();
const { code } = await bundleJourneyWorkflows();
await mkdir(dirname(target), { recursive: true });
await writeFile(target, code);
console.log(
  `[build] workflow bundle: ${target} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`,
);

// tsc compiles TypeScript only: the render pool's plain-JavaScript worker goes next to the compiled pool.
const renderWorker = (dir: string) =>
  fileURLToPath(new URL(`../engine/${dir}/services/render-worker.mjs`, import.meta.url));
await copyFile(renderWorker('src'), renderWorker('dist'));
