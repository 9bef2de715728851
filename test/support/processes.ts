import path from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { inject } from 'vitest';
import { freePort, type ManagedProcess, spawnManaged } from '../../scripts/lib/servers.mjs';
import { ROOT } from '../../scripts/lib/tools.mjs';
import { devServerClient } from './servers.ts';

export interface ProductProcesses {
  /** Base URLs of the API processes, e.g. http://127.0.0.1:43123 */
  apis: string[];
  /** The API processes, in the order of `apis` (a test may kill one). */
  apiProcesses: ManagedProcess[];
  /** Starts one more API process on the same store and queue; answers its base URL once it is healthy. */
  startApi(port?: number): Promise<string>;
  stop(): Promise<void>;
}

const logDir = () => path.join(process.env.ITINERA_TEST_DATA_DIR ?? path.join(ROOT, '.test-data'), 'logs');

function start(name: string, entry: string, env: NodeJS.ProcessEnv, ready: RegExp | null) {
  let markReady: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (markReady = resolve));
  const proc = spawnManaged(name, process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    logFile: path.join(logDir(), `${name}.log`),
    onLine: (line) => {
      if (ready?.test(line)) markReady();
    },
  });
  const died = proc.exited.then((info) => {
    throw new Error(`${name} exited before it was ready (${JSON.stringify(info)}); see ${proc.logFile}`);
  });
  return { proc, ready: (ready: Promise<void>) => Promise.race([ready, died]), isReady };
}

async function healthy(url: string, proc: ManagedProcess): Promise<void> {
  while (!proc.exitInfo) {
    const ok = await fetch(`${url}/health`)
      .then((res) => res.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Starts `apiCount` API processes (engine/src/main.ts) and `workerCount` worker processes (workers/src/main.ts),
 * as `npm start` does, on one database of the run's store and one task queue of the run's Temporal dev server.
 */
export async function startProductProcesses(options: {
  dbName: string;
  taskQueue: string;
  apiCount: number;
  workerCount: number;
  /**
   * A time-skipping server of the test's own for test runs: the worker unlocks its clock for good, so it must
   * never be the run's shared one.
   */
  testRunAddress?: string;
}): Promise<ProductProcesses> {
  const env = {
    MONGODB_URI: inject('MONGODB_URI'),
    MONGODB_DB: options.dbName,
    TEMPORAL_ADDRESS: inject('TEMPORAL_ADDRESS'),
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    ITINERA_DATA_DIR: path.join(logDir(), options.dbName),
    LOG_LEVEL: 'warn',
    ...(options.testRunAddress
      ? {
          ITINERA_TEST_RUN_TEMPORAL_ADDRESS: options.testRunAddress,
          ITINERA_TEST_RUN_TASK_QUEUE: `${options.taskQueue}-test-runs`,
        }
      : {}),
  };
  const started: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((p) => p.stop(10_000)));
  };
  const apis: string[] = [];
  const apiProcesses: ManagedProcess[] = [];
  const startApi = async (port?: number) => {
    port ??= await freePort();
    const name = `${options.dbName}-api${apis.length}`;
    const api = start(name, 'engine/src/main.ts', { ...env, PORT: String(port) }, null);
    started.push(api.proc);
    const url = `http://127.0.0.1:${port}`;
    apis.push(url);
    apiProcesses.push(api.proc);
    await api.ready(healthy(url, api.proc));
    return url;
  };
  try {
    const waits: Promise<unknown>[] = [];
    for (let i = 0; i < options.workerCount; i++) {
      const w = start(`${options.dbName}-worker${i}`, 'workers/src/main.ts', env, /worker ready/i);
      started.push(w.proc);
      waits.push(w.ready(w.isReady));
    }
    // Ports are taken one after another so two starts never get the same one.
    for (let i = 0; i < options.apiCount; i++) waits.push(startApi(await freePort()));
    await Promise.all(waits);
    return { apis, apiProcesses, startApi, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One JSON call to an API process with a bearer key, as a client outside the process makes it. */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies ad hoc
export async function apiCall<T = any>(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Ends the workflows of the database's active enrollments, so no test leaves timers running on the dev server. */
export async function terminateActiveEnrollments(db: Db): Promise<void> {
  const { client, connection } = await devServerClient();
  const active = await db.collection(COLLECTIONS.enrollments).find({ status: 'active' }).toArray();
  await Promise.all(
    active.map((e) =>
      client.workflow
        .getHandle(String(e._id))
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  await connection.close();
}
