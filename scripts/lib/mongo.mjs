// The MongoDB-wire store: MONGODB_URI, else `mongod` from PATH, else FerretDB (SQLite backend).
import fs from 'node:fs';
import path from 'node:path';
import { choosePort, HOST } from './ports.mjs';
import { spawnManaged } from './processes.mjs';
import { startOrCleanup, waitForPort, waitUntil } from './readiness.mjs';
import { ensureTools } from './tools.mjs';

/**
 * MONGODB_URI when set (stop is a no-op), else `mongod` from PATH, else FerretDB (SQLite backend) from .tools.
 * Resolves once a `mongodb` driver ping succeeds.
 * @param {{ dataDir: string, port?: number, logFile?: string, timeoutMs?: number, logLevel?: string }} opts
 */
export async function startMongo(opts) {
  if (process.env.MONGODB_URI) {
    const url = process.env.MONGODB_URI;
    return { url, uri: url, kind: 'external', port: null, pid: null, process: null, stop: async () => {} };
  }
  const tools = ensureTools({ install: false });
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await choosePort(opts.port, 'MongoDB');
  let proc;
  let kind;
  if (tools.mongod) {
    kind = 'mongod';
    proc = spawnManaged(
      'mongod',
      tools.mongod,
      ['--dbpath', dataDir, '--bind_ip', HOST, '--port', String(port), '--quiet'],
      { logFile: opts.logFile },
    );
  } else if (tools.ferretdb) {
    kind = 'ferretdb';
    proc = spawnManaged(
      'ferretdb',
      tools.ferretdb,
      [
        `--listen-addr=${HOST}:${port}`,
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`,
        '--telemetry=disable',
        '--debug-addr=-',
        `--log-level=${opts.logLevel ?? 'warn'}`,
      ],
      { logFile: opts.logFile, env: { ...process.env, FERRETDB_TELEMETRY: 'disable' } },
    );
  } else {
    throw new Error(
      'no MongoDB-wire server available (mongod/FerretDB); run `node scripts/provision.mjs` or set MONGODB_URI',
    );
  }
  const url = `mongodb://${HOST}:${port}/`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  await startOrCleanup(proc, async () => {
    await waitForPort(HOST, port, timeoutMs, { process: proc });
    await waitUntil(`${kind} ping at ${url}`, () => mongoPing(url), timeoutMs, proc);
  });
  return {
    url,
    uri: url,
    kind,
    port,
    pid: proc.pid,
    process: proc,
    stop: (/** @type {number | undefined} */ t) => proc.stop(t ?? 10_000),
  };
}

async function mongoPing(url) {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
