// Temporal servers: the dev server (`temporal server start-dev`) and the time-skipping test server.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { choosePort, HOST } from './ports.mjs';
import { spawnManaged } from './processes.mjs';
import { startOrCleanup, waitForPort, waitUntil } from './readiness.mjs';
import { ensureTools } from './tools.mjs';

function toolPath(given, key, hint) {
  if (given) return given;
  const p = ensureTools({ install: false })[key];
  if (!p) throw new Error(`${hint} not found; run \`node scripts/provision.mjs\` (or npm install) first`);
  return p;
}

// ---------------------------------------------------------------------------
// Temporal dev server

const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * `temporal server start-dev` on 127.0.0.1. In-memory unless `dbFile` is given. Resolves once the gRPC
 * port accepts connections and the namespace answers DescribeNamespace.
 * @param {{ dbFile?: string, port?: number, uiPort?: number, headless?: boolean, logFile?: string,
 *           namespace?: string, extraArgs?: string[], bin?: string, timeoutMs?: number }} [opts]
 */
export async function startTemporalDev(opts = {}) {
  const bin = toolPath(opts.bin, 'temporal', 'temporal CLI');
  const namespace = opts.namespace ?? 'default';
  const port = await choosePort(opts.port, 'Temporal');
  const uiPort = opts.headless ? null : await choosePort(opts.uiPort, 'Temporal UI');
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--log-level', 'warn'];
  if (uiPort) args.push('--ui-port', String(uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    // SQLite's default rollback journal syncs every commit (about 1.4 MB written per enrollment, measured); a
    // write-ahead log with NORMAL sync stays consistent after a crash and syncs only at checkpoints.
    args.push('--db-filename', opts.dbFile, ...SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]));
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  args.push(...(opts.extraArgs ?? []));
  const proc = spawnManaged('temporal', bin, args, { logFile: opts.logFile });
  const address = `${HOST}:${port}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  await startOrCleanup(proc, async () => {
    await waitForPort(HOST, port, timeoutMs, { process: proc });
    await waitUntil(
      `Temporal namespace '${namespace}' at ${address}`,
      () => temporalHealth(bin, address, namespace),
      timeoutMs,
      proc,
    );
  });
  return {
    address,
    port,
    uiPort,
    uiUrl: uiPort ? `http://localhost:${uiPort}` : null,
    namespace,
    pid: proc.pid,
    process: proc,
    stop: (/** @type {number | undefined} */ t) => proc.stop(t ?? 10_000),
  };
}

let temporalClient; // undefined: not tried, null: unavailable
async function temporalHealth(bin, address, namespace) {
  if (temporalClient === undefined) {
    temporalClient = await import('@temporalio/client').catch(() => null);
  }
  if (temporalClient) {
    const conn = await temporalClient.Connection.connect({ address, connectTimeout: 2000 });
    try {
      await conn.workflowService.getSystemInfo({});
      await conn.workflowService.describeNamespace({ namespace });
    } finally {
      await conn.close();
    }
    return;
  }
  const r = spawnSync(
    bin,
    ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace],
    {
      encoding: 'utf8',
      timeout: 10_000,
    },
  );
  if (r.status !== 0) throw new Error(`${r.stderr || r.stdout}`.trim());
}

// ---------------------------------------------------------------------------
// Temporal time-skipping test server

/**
 * `temporal-test-server <port>` (the Java test server, native image). Resolves once the port accepts connections.
 * It starts with time skipping locked, as SDK test environments expect, unless `unlocked` (test runs: their
 * waits are skipped whenever nothing is in flight, from the start and after a restart, with no unlock call).
 * @param {{ port?: number, logFile?: string, bin?: string, timeoutMs?: number, unlocked?: boolean }} [opts]
 */
export async function startTimeSkippingServer(opts = {}) {
  const bin = toolPath(opts.bin, 'temporalTestServer', 'temporal-test-server');
  const port = await choosePort(opts.port, 'Temporal test server');
  const args = [String(port), ...(opts.unlocked ? ['--enable-time-skipping'] : [])];
  const proc = spawnManaged('temporal-test-server', bin, args, { logFile: opts.logFile });
  await startOrCleanup(proc, () => waitForPort(HOST, port, opts.timeoutMs ?? 30_000, { process: proc }));
  return {
    address: `${HOST}:${port}`,
    port,
    pid: proc.pid,
    process: proc,
    stop: (/** @type {number | undefined} */ t) => proc.stop(t ?? 5_000),
  };
}
