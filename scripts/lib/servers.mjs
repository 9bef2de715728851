// Starting/stopping the real servers (Temporal dev server, Temporal time-skipping test server and a
// MongoDB-wire store) as child processes. Shared by scripts/start.mjs and test/global-setup.ts.
//
// Orphan protection, in three layers:
//  1. every child runs in its own process group (detached) and stop() kills the whole group
//     (SIGTERM, then SIGKILL after a timeout);
//  2. a process 'exit' handler synchronously sends SIGTERM to every group still running;
//  3. a tiny detached watchdog process holds a pipe to us; when we die in any way (even SIGKILL)
//     the pipe closes and it kills the remaining groups (SIGTERM, SIGKILL 5 s later).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureTools } from './tools.mjs';

const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------
// Ports

/** Returns a TCP port that is currently free on 127.0.0.1 (binds port 0 and releases it). */
export function freePort(host = HOST) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on host:port and we may bind it. */
export function isPortFree(port, host = HOST) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** First free port in [from, from + count). */
export async function firstFreePort(from, count = 100, host = HOST) {
  for (let p = from; p < from + count; p++) {
    if (await isPortFree(p, host)) return p;
  }
  throw new Error(`no free port in ${from}..${from + count - 1} on ${host}`);
}

function tryConnect(host, port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once host:port accepts TCP connections; rejects after timeoutMs.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @param {{ process?: ManagedProcess }} [opts] rejects early when this process exits
 */
export async function waitForPort(host, port, timeoutMs = 30_000, opts = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertAlive(opts.process);
    if (await tryConnect(host, port)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${host}:${port}`);
    await sleep(100);
  }
}

/** Retries `probe` until it resolves; rejects with the last error after timeoutMs. */
async function waitUntil(what, probe, timeoutMs, proc) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    assertAlive(proc);
    try {
      return await probe();
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${lastErr?.message ?? lastErr}`);
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------
// Managed child processes

/** @type {Set<ManagedProcess>} */
const running = new Set();
let exitHookInstalled = false;
/** @type {import('node:child_process').ChildProcess | null} */
let watchdog = null;

const WATCHDOG_SRC = `
process.title = 'itinera-watchdog';
const pids = new Set();
let buf = '';
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const pid = Number(line.slice(1));
    if (line[0] === '+') pids.add(pid); else pids.delete(pid);
  }
});
const kill = (sig) => {
  for (const p of pids) { try { process.kill(-p, sig); } catch { pids.delete(p); } }
};
process.stdin.on('end', () => {
  kill('SIGTERM');
  const t0 = Date.now();
  const poll = setInterval(() => {
    kill(0);
    if (pids.size === 0) process.exit(0);
    if (Date.now() - t0 > 5000) { kill('SIGKILL'); process.exit(0); }
  }, 200);
});
`;

function watchdogSend(line) {
  try {
    if (!watchdog) {
      watchdog = spawn(process.execPath, ['-e', WATCHDOG_SRC], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      watchdog.on('error', () => {
        watchdog = null;
      });
      watchdog.stdin?.on('error', () => {});
      watchdog.unref();
      watchdog.stdin?.unref?.();
    }
    watchdog.stdin?.write(`${line}\n`);
  } catch {
    // best effort only
  }
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) killGroup(p.pid, 'SIGTERM');
  });
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function assertAlive(proc) {
  if (proc?.exitInfo) {
    throw new Error(
      `${proc.name} exited during startup (${describeExit(proc.exitInfo)}); see ${proc.logFile ?? 'its output'}${logTail(proc.logFile)}`,
    );
  }
}

function describeExit({ code, signal }) {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function logTail(file, lines = 12) {
  if (!file) return '';
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    if (!text) return '';
    return `\n--- last lines of ${file} ---\n${text.split('\n').slice(-lines).join('\n')}`;
  } catch {
    return '';
  }
}

/**
 * @typedef {object} ManagedProcess
 * @property {string} name
 * @property {number} pid
 * @property {import('node:child_process').ChildProcess} child
 * @property {string | undefined} logFile
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {{ code: number | null, signal: NodeJS.Signals | null } | null} exitInfo
 * @property {(timeoutMs?: number) => Promise<void>} stop
 */

/**
 * Spawns `cmd args` in its own process group. Output is appended to `logFile` (when given); with
 * `onLine` the output is additionally delivered line by line (stream is 'stdout' | 'stderr').
 * @param {string} name
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ logFile?: string, env?: NodeJS.ProcessEnv, cwd?: string,
 *           onLine?: (line: string, stream: 'stdout' | 'stderr') => void }} [opts]
 * @returns {ManagedProcess}
 */
export function spawnManaged(name, cmd, args, opts = {}) {
  installExitHook();
  const { logFile, onLine } = opts;
  let fd = null;
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n=== ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
  }
  const out = onLine ? 'pipe' : (fd ?? 'ignore');
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (onLine) {
    const logStream = fd === null ? null : fs.createWriteStream(logFile ?? '', { fd, autoClose: true });
    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      let buf = '';
      const src = child[stream];
      src?.setEncoding('utf8');
      src?.on('data', (chunk) => {
        logStream?.write(chunk);
        buf += chunk;
        let i = buf.indexOf('\n');
        while (i >= 0) {
          onLine(buf.slice(0, i), stream);
          buf = buf.slice(i + 1);
          i = buf.indexOf('\n');
        }
      });
      src?.on('end', () => {
        if (buf) onLine(buf, stream);
        buf = '';
      });
    }
    child.once('close', () => logStream?.end());
  } else if (fd !== null) {
    fs.closeSync(fd);
  }

  /** @type {ManagedProcess} */
  const proc = {
    name,
    pid: /** @type {number} */ (child.pid),
    child,
    logFile,
    exitInfo: null,
    exited: new Promise((resolve) => {
      child.once('error', (err) => {
        proc.exitInfo = { code: -1, signal: null };
        if (logFile) fs.appendFileSync(logFile, `spawn error: ${err.message}\n`);
        running.delete(proc);
        resolve(proc.exitInfo);
      });
      child.once('exit', (code, signal) => {
        proc.exitInfo = { code, signal };
        running.delete(proc);
        if (proc.pid) watchdogSend(`-${proc.pid}`);
        resolve(proc.exitInfo);
      });
    }),
    async stop(timeoutMs = 10_000) {
      if (!proc.exitInfo) {
        killGroup(proc.pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), timeoutMs);
        await proc.exited;
        clearTimeout(timer);
      }
      // leader is gone; make sure nothing else of its group survives
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // group empty
      }
    },
  };
  if (child.pid) {
    running.add(proc);
    watchdogSend(`+${child.pid}`);
  }
  return proc;
}

/** Synchronously SIGKILLs every server started through this module (last-resort cleanup). */
export function killAllSync() {
  for (const p of running) killGroup(p.pid, 'SIGKILL');
}

function toolPath(given, key, hint) {
  if (given) return given;
  const p = ensureTools({ install: false })[key];
  if (!p) throw new Error(`${hint} not found; run \`node scripts/provision.mjs\` (or npm install) first`);
  return p;
}

async function startOrCleanup(proc, waitFn) {
  try {
    await waitFn();
  } catch (err) {
    await proc.stop(3000);
    throw err;
  }
}

async function choosePort(port, what) {
  if (port === undefined || port === null || port === 0) return freePort();
  if (!(await isPortFree(port))) throw new Error(`${what}: port ${port} on ${HOST} is already in use`);
  return port;
}

// ---------------------------------------------------------------------------
// Temporal dev server

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
    args.push('--db-filename', opts.dbFile);
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
 * @param {{ port?: number, logFile?: string, bin?: string, timeoutMs?: number }} [opts]
 */
export async function startTimeSkippingServer(opts = {}) {
  const bin = toolPath(opts.bin, 'temporalTestServer', 'temporal-test-server');
  const port = await choosePort(opts.port, 'Temporal test server');
  const proc = spawnManaged('temporal-test-server', bin, [String(port)], { logFile: opts.logFile });
  await startOrCleanup(proc, () => waitForPort(HOST, port, opts.timeoutMs ?? 30_000, { process: proc }));
  return {
    address: `${HOST}:${port}`,
    port,
    pid: proc.pid,
    process: proc,
    stop: (/** @type {number | undefined} */ t) => proc.stop(t ?? 5_000),
  };
}

// ---------------------------------------------------------------------------
// MongoDB-wire store

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
