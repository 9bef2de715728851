// Starts everything the engine benchmark talks to: the store and the Temporal dev server, Itinera's API and
// worker as separate processes exactly as `npm start` runs them, and the hand-coded baseline's route and worker.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { type Db, MongoClient } from 'mongodb';
import type { ManagedProcess } from '../../scripts/lib/servers.d.mts';
import { freePort, spawnManaged, startMongo, startTemporalDev } from '../../scripts/lib/servers.mjs';
import { ensureTools, ROOT } from '../../scripts/lib/tools.mjs';

export const ITINERA_QUEUE = 'itinera-bench';
export const BASELINE_QUEUE = 'baseline-bench';

export interface Side {
  url: string;
  db: Db;
  apiPid: number;
  workerPid: number;
}

export interface Stack {
  itinera: Side & { key: string };
  baseline: Side;
  temporal: Client;
  store: string;
  temporalServer: string;
  storeDir: string;
  stop(): Promise<void>;
}

/** With ITINERA_BENCH_CPU_PROF=<dir>, the API and worker write V8 CPU profiles there when they stop. */
const profiling = process.env.ITINERA_BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.ITINERA_BENCH_CPU_PROF}`]
  : [];

function startNode(name: string, entry: string, env: NodeJS.ProcessEnv, dir: string, ready: RegExp) {
  let markReady: () => void = () => {};
  const started = new Promise<void>((done) => {
    markReady = done;
  });
  const proc = spawnManaged(name, process.execPath, [...profiling, '--import', 'tsx', resolve(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    logFile: join(dir, `${name}.log`),
    onLine: (line) => {
      if (ready.test(line)) markReady();
    },
  });
  const died = proc.exited.then((info) => {
    throw new Error(`${name} exited (${info.signal ?? info.code}) while starting; see ${proc.logFile}`);
  });
  return { proc, ready: Promise.race([started, died]) };
}

/** With `baseline: false` only Itinera's API and worker start (the `baseline` side is then unusable). */
export async function startStack(dir: string, opts: { baseline?: boolean } = {}): Promise<Stack> {
  const withBaseline = opts.baseline ?? true;
  const tools = ensureTools();
  const [temporalServer, mongo] = await Promise.all([
    startTemporalDev({ headless: true, logFile: join(dir, 'temporal.log') }),
    startMongo({ dataDir: join(dir, 'store'), logFile: join(dir, 'store.log') }),
  ]);
  const version = tools.temporal
    ? execFileSync(tools.temporal, ['--version'], { encoding: 'utf8' }).trim()
    : 'external';
  const base = {
    TEMPORAL_ADDRESS: temporalServer.address,
    LOG_LEVEL: 'warn',
    ITINERA_DATA_DIR: dir,
  };
  const [apiPort, baselinePort] = [await freePort(), await freePort()];
  // Fresh databases each run, so an external MONGODB_URI store can be benchmarked again and again.
  const run = Date.now().toString(36);
  const dbNames = { itinera: `bench_itinera_${run}`, baseline: `bench_baseline_${run}` };
  const itineraEnv = {
    ...base,
    MONGODB_URI: mongo.url,
    MONGODB_DB: dbNames.itinera,
    TEMPORAL_TASK_QUEUE: ITINERA_QUEUE,
    PORT: String(apiPort),
    ITINERA_COUNT_DB_OPS: '1',
  };
  const baselineEnv = {
    ...base,
    MONGODB_URI: mongo.url,
    MONGODB_DB: dbNames.baseline,
    TEMPORAL_TASK_QUEUE: BASELINE_QUEUE,
    PORT: String(baselinePort),
  };
  const apps = [
    startNode('itinera-worker', 'workers/src/main.ts', itineraEnv, dir, /worker ready/i),
    startNode('itinera-api', 'engine/src/main.ts', itineraEnv, dir, /API listening/),
    ...(withBaseline
      ? [
          startNode('baseline-worker', 'bench/engine/baseline/worker.ts', baselineEnv, dir, /worker ready/),
          startNode('baseline-api', 'bench/engine/baseline/api.ts', baselineEnv, dir, /listening/),
        ]
      : []),
  ];
  const processes: ManagedProcess[] = apps.map((a) => a.proc);
  await Promise.all(apps.map((a) => a.ready));

  const client = await MongoClient.connect(mongo.url);
  const connection = await Connection.connect({ address: temporalServer.address });
  const key = readFileSync(join(dir, 'admin-key.txt'), 'utf8').trim();
  return {
    itinera: {
      url: `http://127.0.0.1:${apiPort}`,
      key,
      db: client.db(dbNames.itinera),
      apiPid: processes[1].pid,
      workerPid: processes[0].pid,
    },
    baseline: {
      url: `http://127.0.0.1:${baselinePort}`,
      db: client.db(dbNames.baseline),
      apiPid: processes[3]?.pid ?? 0,
      workerPid: processes[2]?.pid ?? 0,
    },
    temporal: new Client({ connection }),
    store: `${mongo.kind}${mongo.backend ? ` (${mongo.backend} backend)` : ''}`,
    temporalServer: `Temporal dev server ${version} at ${temporalServer.address}`,
    storeDir: join(dir, 'store'),
    async stop() {
      await Promise.allSettled(processes.map((p) => p.stop(15_000)));
      await connection.close();
      await client.close();
      await temporalServer.stop();
      await mongo.stop();
    },
  };
}

/**
 * Waits until the task queue has no workflow or activity tasks waiting for a worker, and `idle()` (say,
 * nothing left to route) holds too, on two looks a second apart: the work an earlier phase caused (segment
 * clocks, enrollments) has run. Returns when it was first seen so (performance.now()), for a phase's time.
 */
export async function temporalDrained(
  client: Client,
  idle: () => Promise<boolean> = async () => true,
  taskQueue = ITINERA_QUEUE,
  timeoutMs = 1_800_000,
): Promise<number> {
  const { TaskQueueType } = proto.temporal.api.enums.v1;
  const backlog = async (taskQueueType: proto.temporal.api.enums.v1.TaskQueueType) => {
    const { stats } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType,
      reportStats: true,
    });
    return Number(stats?.approximateBacklogCount ?? 0);
  };
  const deadline = Date.now() + timeoutMs;
  let emptySince: number | null = null;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`task queue ${taskQueue} still has a backlog`);
    const lookedAt = performance.now();
    const empty =
      (await idle()) &&
      (await backlog(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)) +
        (await backlog(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)) ===
        0;
    if (!empty) emptySince = null;
    else if (emptySince === null) emptySince = lookedAt;
    else if (lookedAt - emptySince >= 1_000) return emptySince;
    await new Promise((done) => setTimeout(done, 200));
  }
}
