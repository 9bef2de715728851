import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectDatabase } from '../../engine/src/db.ts';
import { startTimeSkippingServer } from '../../scripts/lib/servers.mjs';
import { PATHS_FILE } from '../../scripts/lib/tools.mjs';
import { bundleJourneyWorkflows, createItineraWorker, type WorkerPlugin } from '../../workers/src/worker.ts';

Runtime.install({ logger: new DefaultLogger('WARN') });

/** A fresh database on the run's shared Mongo-wire server. */
export async function testDatabase(): Promise<{ db: Db; close: () => Promise<void> }> {
  const { client, db } = await connectDatabase(inject('MONGODB_URI'), `t_${randomUUID().slice(0, 8)}`);
  return {
    db,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Connects to the run's time-skipping server (started once by the global setup), or to the one at `address`. */
export async function timeSkippingEnvironment(
  address: string = inject('TEMPORAL_TEST_SERVER_ADDRESS'),
): Promise<TestWorkflowEnvironment> {
  const create = (
    TestWorkflowEnvironment as unknown as { create: (opts: object) => Promise<TestWorkflowEnvironment> }
  ).create;
  return create.call(TestWorkflowEnvironment, {
    server: { type: 'existing' },
    address,
    supportsTimeSkipping: true,
    namespace: 'default',
  });
}

/** A time-skipping server of the caller's own, from the binary provisioning recorded. */
export async function startOwnTimeSkippingServer(options: { unlocked?: boolean; logFile?: string } = {}) {
  // Inside a test run the tool lookup defers to the run's shared server, so read the recorded path.
  const bin = (JSON.parse(readFileSync(PATHS_FILE, 'utf8')) as { temporalTestServer: string })
    .temporalTestServer;
  return startTimeSkippingServer({ bin, ...options });
}

/**
 * A time-skipping server of the caller's own, with a test environment on it. Test runs need its clock
 * unlocked for good, which the run's shared one must never be: other files' waits lock and unlock it.
 */
export async function ownTimeSkippingServer(options: { unlocked?: boolean } = {}) {
  const server = await startOwnTimeSkippingServer(options);
  try {
    const env = await timeSkippingEnvironment(server.address);
    return {
      env,
      address: server.address,
      async stop() {
        await env.teardown();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export async function devServerClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: inject('TEMPORAL_ADDRESS') });
  return { client: new Client({ connection, namespace: 'default' }), connection };
}

const bundles = new Map<string, Promise<WorkflowBundle>>();

/** Bundling takes seconds; each test process does it once per plugin set. */
export function workflowBundle(plugins: WorkerPlugin[] = []): Promise<WorkflowBundle> {
  const key = plugins.map((p) => p.executorsModule ?? '').join('|');
  if (!bundles.has(key)) bundles.set(key, bundleJourneyWorkflows(plugins));
  return bundles.get(key)!;
}

export function uniqueTaskQueue(): string {
  return `test-${randomUUID()}`;
}

/** A worker on a fresh database and task queue of the run's time-skipping server, for tests that start workflows directly. */
export async function timeSkippingWorker(
  plugins: (env: TestWorkflowEnvironment, db: Db) => WorkerPlugin[] = () => [],
) {
  const env = await timeSkippingEnvironment();
  const { db, close: closeDb } = await testDatabase();
  const taskQueue = uniqueTaskQueue();
  const worker = await createItineraWorker({
    connection: env.nativeConnection,
    taskQueue,
    db,
    plugins: plugins(env, db),
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    env,
    db,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await closeDb();
      await env.teardown();
    },
  };
}

/** A time-skipping worker started before the file's tests and stopped after; the object is filled in by then. */
export function sharedTimeSkippingWorker(): Awaited<ReturnType<typeof timeSkippingWorker>> {
  const shared = {} as Awaited<ReturnType<typeof timeSkippingWorker>>;
  beforeAll(async () => {
    Object.assign(shared, await timeSkippingWorker());
  });
  afterAll(async () => {
    await shared.close?.();
  });
  return shared;
}
