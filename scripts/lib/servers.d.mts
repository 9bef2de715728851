// Type declarations for servers.mjs (used by test/global-setup.ts). servers.mjs re-exports these from
// ports.mjs, processes.mjs, readiness.mjs, temporal.mjs and mongo.mjs; this file describes them all.
import type { ChildProcess } from 'node:child_process';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string | undefined;
  exited: Promise<ExitInfo>;
  exitInfo: ExitInfo | null;
  stop(timeoutMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

export interface StartedTemporal {
  /** host:port of the gRPC frontend, e.g. 127.0.0.1:7233 */
  address: string;
  port: number;
  uiPort: number | null;
  uiUrl: string | null;
  namespace: string;
  pid: number;
  process: ManagedProcess;
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartedTestServer {
  address: string;
  port: number;
  pid: number;
  process: ManagedProcess;
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartedMongo {
  /** mongodb://127.0.0.1:PORT/ (or MONGODB_URI when set) */
  url: string;
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  /** FerretDB's backend (null for external/mongod) and why it was chosen */
  backend?: 'postgresql' | 'sqlite' | null;
  backendReason?: string;
  /** FerretDB's PostgreSQL database (postgres://...) when it runs on the embedded PostgreSQL */
  postgresUrl?: string | null;
  port: number | null;
  pid: number | null;
  /** the wire server (mongod/FerretDB) */
  process: ManagedProcess | null;
  /** every process of the store: the wire server, then PostgreSQL when FerretDB runs on it */
  processes?: ManagedProcess[];
  stop(timeoutMs?: number): Promise<void>;
}

export function freePort(host?: string): Promise<number>;
export function isPortFree(port: number, host?: string): Promise<boolean>;
export function firstFreePort(from: number, count?: number, host?: string): Promise<number>;
export function waitForPort(
  host: string,
  port: number,
  timeoutMs?: number,
  opts?: { process?: ManagedProcess },
): Promise<void>;
export function spawnManaged(
  name: string,
  cmd: string,
  args: string[],
  opts?: {
    logFile?: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
    spawnAs?: { uid: number; gid: number } | null;
  },
): ManagedProcess;
export function killAllSync(): void;
export function startTemporalDev(opts?: {
  dbFile?: string;
  port?: number;
  uiPort?: number;
  headless?: boolean;
  logFile?: string;
  namespace?: string;
  extraArgs?: string[];
  bin?: string;
  timeoutMs?: number;
}): Promise<StartedTemporal>;
export function startTimeSkippingServer(opts?: {
  port?: number;
  logFile?: string;
  bin?: string;
  timeoutMs?: number;
}): Promise<StartedTestServer>;
export function startMongo(opts: {
  dataDir: string;
  port?: number;
  logFile?: string;
  timeoutMs?: number;
  logLevel?: string;
  /** false: PostgreSQL without fsync (test runs) */
  durable?: boolean;
}): Promise<StartedMongo>;
/** FerretDB's PostgreSQL connection pool on the embedded store. */
export const FERRETDB_PG_POOL: number;
export function embeddedBackend(dataDir: string): { backend: 'postgresql' | 'sqlite'; why: string };
