#!/usr/bin/env node
// `npm start`: runs Itinera locally with real servers and no Docker.
//   Temporal dev server (persistent .data/temporal/temporal.db, gRPC 7233, UI 8233) unless TEMPORAL_ADDRESS is set,
//   MongoDB-wire store (.data/mongo, first free port from 27017) unless MONGODB_URI is set,
//   the editor build (when stale), the API (engine/src/main.ts) and the worker (workers/src/main.ts).
// Ctrl-C / SIGTERM stops everything. Logs: .data/logs/.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  firstFreePort,
  isPortFree,
  spawnManaged,
  startMongo,
  startTemporalDev,
  startTimeSkippingServer,
} from './lib/servers.mjs';
import { supervise } from './lib/supervise.mjs';
import { describeFailure, ensureTools, ProvisionError, ROOT } from './lib/tools.mjs';

const DATA_DIR = path.resolve(ROOT, process.env.ITINERA_DATA_DIR ?? '.data');
const LOG_DIR = path.join(DATA_DIR, 'logs');
const READY_TIMEOUT_MS = 120_000;
const API_ENTRY = process.env.ITINERA_API_ENTRY ?? 'engine/src/main.ts';
const WORKER_ENTRY = process.env.ITINERA_WORKER_ENTRY ?? 'workers/src/main.ts';

const say = (msg) => process.stdout.write(`[start] ${msg}\n`);
const rel = (p) => {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

/** Everything we started, in start order; stopped in reverse groups (apps first, then servers). */
const servers = [];
const apps = [];
let shuttingDown = false;

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  say(code === 0 ? 'stopping...' : 'shutting everything down...');
  await Promise.allSettled(apps.map((a) => a.stop(15_000)));
  await Promise.allSettled(servers.map((s) => s.stop(15_000)));
  say('stopped');
  process.exit(code);
}

function fail(msg) {
  process.stderr.write(`[start] ERROR: ${msg}\n`);
  return shutdown(1);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (shuttingDown) {
      say('forced exit');
      for (const p of [...apps, ...servers].flatMap((part) => part.processes())) {
        try {
          process.kill(-p.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      process.exit(130);
    }
    void shutdown(0);
  });
}

/** Supervises a part: a crash restarts it with backoff; only a part that keeps crashing stops everything. */
const supervised = (name, start, logFileOf) =>
  supervise(name, start, {
    isStopping: () => shuttingDown,
    log: (msg) => process.stderr.write(`[start] ${msg}\n`),
    giveUp: (msg) => void fail(msg),
    logFileOf,
  });

function newestMtime(target) {
  let newest = 0;
  let st;
  try {
    st = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

function buildEditorIfStale() {
  if (process.env.ITINERA_SKIP_EDITOR_BUILD === '1') return;
  const pkgFile = path.join(ROOT, 'editor', 'package.json');
  if (!fs.existsSync(pkgFile)) return;
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  if (!pkg.scripts?.build) return;
  const index = path.join(ROOT, 'editor', 'dist', 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
    path.join(ROOT, 'editor', p),
  );
  const newest = Math.max(...inputs.map(newestMtime));
  if (built && built >= newest) return;
  say(
    built
      ? 'editor sources changed, building the editor (npm run build -w editor)...'
      : 'building the editor (npm run build -w editor)...',
  );
  const t0 = Date.now();
  const r = spawnSync('npm', ['run', 'build', '-w', 'editor'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Error(
      `editor build failed (npm run build -w editor exited with ${r.status ?? r.signal}); fix it or set ITINERA_SKIP_EDITOR_BUILD=1`,
    );
  }
  say(`editor built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function startApp(name, entry, env, readiness) {
  const file = path.resolve(ROOT, entry);
  if (!fs.existsSync(file)) {
    say(`WARNING: ${entry} does not exist yet; not starting the ${name}`);
    return null;
  }
  const logFile = path.join(LOG_DIR, `${name}.log`);
  let markReady;
  const ready = new Promise((resolve) => {
    markReady = resolve;
  });
  const spawn = async () => {
    const proc = spawnManaged(name, process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env,
      logFile,
      onLine: (line, stream) => {
        (stream === 'stderr' ? process.stderr : process.stdout).write(`[${name}] ${line}\n`);
        if (readiness.line?.test(line)) markReady();
      },
    });
    return { processes: [proc], stop: (t) => proc.stop(t) };
  };
  const part = await supervised(name, spawn, () => logFile);
  apps.push(part);
  if (readiness.url) {
    const poll = async () => {
      while (!part.processes()[0].exitInfo && !shuttingDown) {
        try {
          const res = await fetch(readiness.url, { signal: AbortSignal.timeout(2000) });
          if (res.status === 200) return markReady();
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    void poll();
  }
  return { name, logFile, ready };
}

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(LOG_DIR, { recursive: true });

  // 1. tools
  try {
    ensureTools();
  } catch (err) {
    if (err instanceof ProvisionError && err.detail)
      process.stderr.write(`${err.detail.replace(/^/gm, '  | ')}\n`);
    process.stderr.write(`[start] FAILED: ${describeFailure(err)}\n`);
    process.exit(1);
  }

  // 4 (done first so a broken build fails before any server starts). editor
  buildEditorIfStale();

  const port = Number(process.env.PORT ?? 3000);
  if (!(await isPortFree(port))) {
    throw new Error(
      `port ${port} is already in use (is Itinera already running?); stop it or set PORT=<other port>`,
    );
  }

  // 2. Temporal
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let temporalUi = process.env.TEMPORAL_UI_URL ?? null;
  if (temporalAddress) {
    say(`using Temporal at ${temporalAddress} (TEMPORAL_ADDRESS)`);
  } else {
    const tPort = Number(process.env.TEMPORAL_PORT ?? 7233);
    const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
    for (const [p, what] of [
      [tPort, 'Temporal gRPC'],
      [uiPort, 'Temporal UI'],
    ]) {
      if (!(await isPortFree(p))) {
        throw new Error(
          `port ${p} (${what}) is already in use, probably by another Temporal server; stop it, ` +
            `or use it with TEMPORAL_ADDRESS=127.0.0.1:${tPort}, or pick other ports with TEMPORAL_PORT / TEMPORAL_UI_PORT`,
        );
      }
    }
    say(
      `starting Temporal dev server on 127.0.0.1:${tPort} (data ${rel(path.join(DATA_DIR, 'temporal'))})...`,
    );
    const temporalPart = await supervised('Temporal dev server', async () => {
      const started = await startTemporalDev({
        dbFile: path.join(DATA_DIR, 'temporal', 'temporal.db'),
        port: tPort,
        uiPort,
        logFile: path.join(LOG_DIR, 'temporal.log'),
      });
      return { ...started, processes: [started.process] };
    });
    servers.push(temporalPart);
    temporalAddress = temporalPart.first.address;
    temporalUi = `http://localhost:${uiPort}`;
  }

  // 3. MongoDB-wire store
  let mongoUri = process.env.MONGODB_URI;
  if (mongoUri) {
    say('using MongoDB at MONGODB_URI');
  } else {
    const mPort = await firstFreePort(Number(process.env.MONGO_PORT ?? 27017));
    const mongoPart = await supervised('MongoDB-wire store', () =>
      startMongo({
        dataDir: path.join(DATA_DIR, 'mongo'),
        port: mPort,
        logFile: path.join(LOG_DIR, 'mongo.log'),
      }),
    );
    servers.push(mongoPart);
    const mongo = mongoPart.first;
    mongoUri = `${mongo.url}itinera`;
    const on = mongo.backend ? ` on ${mongo.backend} (${mongo.backendReason})` : '';
    say(`${mongo.kind}${on} listening on ${mongo.url} (data ${rel(path.join(DATA_DIR, 'mongo'))})`);
  }

  // 4b. Time-skipping Temporal test server: test runs skip their waits on it (in memory; nothing to keep).
  let testRunAddress = process.env.ITINERA_TEST_RUN_TEMPORAL_ADDRESS;
  if (!testRunAddress) {
    const sPort = await firstFreePort(Number(process.env.TEMPORAL_TEST_SERVER_PORT ?? 7243));
    const testServerPart = await supervised('Temporal time-skipping server', async () => {
      const started = await startTimeSkippingServer({
        port: sPort,
        unlocked: true,
        logFile: path.join(LOG_DIR, 'temporal-test-server.log'),
      });
      return { ...started, processes: [started.process] };
    });
    servers.push(testServerPart);
    testRunAddress = testServerPart.first.address;
    say(`time-skipping server for test runs on ${testRunAddress}`);
  }

  // 5. API + worker
  const env = {
    ITINERA_TEST_RUN_TEMPORAL_ADDRESS: testRunAddress,
    ...process.env,
    MONGODB_URI: mongoUri,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
    TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? 'itinera',
    PORT: String(port),
    ITINERA_DATA_DIR: DATA_DIR,
  };
  const started = (
    await Promise.all([
      startApp('worker', WORKER_ENTRY, env, { line: /worker ready/i }),
      startApp('api', API_ENTRY, env, { url: `http://127.0.0.1:${port}/health` }),
    ])
  ).filter((x) => x !== null);
  for (const app of started) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `${app.name} did not become ready within ${READY_TIMEOUT_MS / 1000} s; see ${rel(app.logFile)}`,
            ),
          ),
        READY_TIMEOUT_MS,
      );
    });
    await Promise.race([app.ready, timeout]).finally(() => clearTimeout(timer));
  }
  if (shuttingDown) return;

  // 6. banner
  const lines = [
    '',
    `Itinera is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    `  Editor       http://localhost:${port}/`,
    `  API docs     http://localhost:${port}/docs`,
    `  Temporal UI  ${temporalUi ?? `(external Temporal at ${temporalAddress})`}`,
    `  Logs         ${rel(LOG_DIR)}/`,
    '  Press Ctrl-C to stop.',
    '',
  ];
  if (started.length < 2)
    lines.splice(2, 2, '  (API/worker not started: entry files missing, see warnings above)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => fail(err?.message ?? String(err)));
