import { COLLECTIONS, type JourneyGraph, type Role, type TimelineStep } from '@itinera/schemas';
import type { Client, DataConverter } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { inject } from 'vitest';
import { type AppOptions, buildApp } from '../../engine/src/app.ts';
import { createApiKey } from '../../engine/src/plugins/auth.ts';
import { startBroadcastActivityWorker } from '../../engine/src/services/broadcast-worker.ts';
import type { ProviderMap } from '../../workers/src/activities/send/index.ts';
import { createItineraWorker, type WorkerPlugin } from '../../workers/src/worker.ts';
import {
  devServerClient,
  testDatabase,
  timeSkippingEnvironment,
  uniqueTaskQueue,
  workflowBundle,
} from './servers.ts';

export interface Harness {
  app: FastifyInstance;
  db: Db;
  worker: Worker | undefined;
  taskQueue: string;
  keys: Record<Role, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies ad hoc
  call<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    role?: Role,
  ): Promise<{ status: number; body: T }>;
  publish(graph: JourneyGraph, name?: string): Promise<string>;
  track(
    customerId: string,
    event: string,
    properties?: Record<string, unknown>,
    messageId?: string,
  ): Promise<void>;
  identify(customerId: string, traits: Record<string, unknown>): Promise<void>;
  /** Once every enrollment of the customer has ended (within `timeoutMs`): each one's timeline step at `nodeId`. */
  stepsWhenEnded(customerId: string, nodeId: string, timeoutMs?: number): Promise<TimelineStep[]>;
  messages<T = Record<string, unknown>>(customerId: string): Promise<T[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  plugins?: WorkerPlugin[];
  providers?: Partial<ProviderMap>;
  /** False when the test runs its worker elsewhere (for example in a child process it kills). */
  inProcessWorker?: boolean;
  /** The worker's; pass a client built with the same one. */
  dataConverter?: DataConverter;
  /** Where the API starts test runs (test/support/test-runs.ts). */
  testRuns?: AppOptions['testRuns'];
  /** Also host the API's activities (broadcast and migration drivers), as engine/src/main.ts does. */
  apiActivities?: boolean;
}

/** A harness on the run's Temporal dev server (real time); `close()` also closes its connections. */
export async function devServerHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { client, connection } = await devServerClient();
  const nativeConnection = await NativeConnection.connect({ address: inject('TEMPORAL_ADDRESS') });
  const h = await startHarness({ ...options, client, nativeConnection });
  return withCleanup(h, async () => {
    await connection.close();
    await nativeConnection.close();
  });
}

/** A harness on the run's time-skipping server: `env.sleep(ms)` moves the shared clock. */
export async function timeSkippingHarness(
  options: HarnessOptions = {},
): Promise<Harness & { env: TestWorkflowEnvironment }> {
  const env = await timeSkippingEnvironment();
  const h = await startHarness({ ...options, client: env.client, nativeConnection: env.nativeConnection });
  return Object.assign(
    withCleanup(h, () => env.teardown()),
    { env },
  );
}

function withCleanup(h: Harness, cleanup: () => Promise<void>): Harness {
  const close = h.close;
  return {
    ...h,
    close: async () => {
      await close();
      await cleanup();
    },
  };
}

/** The real API (in-process via inject) plus a real worker, on a fresh database and task queue. */
export async function startHarness(
  options: HarnessOptions & { client: Client; nativeConnection: NativeConnection },
): Promise<Harness> {
  const { db, close: closeDb } = await testDatabase();
  const taskQueue = uniqueTaskQueue();
  const app = await buildApp({
    db,
    temporal: { client: options.client, taskQueue },
    testRuns: options.testRuns,
    editorDir: '/nonexistent',
  });
  const worker =
    options.inProcessWorker === false
      ? undefined
      : await createItineraWorker({
          connection: options.nativeConnection,
          taskQueue,
          db,
          plugins: options.plugins,
          providers: options.providers,
          workflowBundle: await workflowBundle(options.plugins),
          dataConverter: options.dataConverter,
        });
  const running = worker?.run();
  const apiActivities = options.apiActivities
    ? await startBroadcastActivityWorker(app.services, options.nativeConnection, taskQueue)
    : undefined;
  const keys = {} as Record<Role, string>;
  for (const role of ['admin', 'marketer', 'support', 'ingest'] as const)
    keys[role] = await createApiKey(db, role, `${role} (test)`);

  const call: Harness['call'] = async (method, url, body, role = 'admin') => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keys[role]}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: (response.body ? response.json() : null) as never };
  };
  const expectOk = (result: { status: number; body: unknown }, what: string) => {
    if (result.status >= 300)
      throw new Error(`${what} failed with ${result.status}: ${JSON.stringify(result.body)}`);
    return result.body;
  };

  return {
    app,
    db,
    worker,
    taskQueue,
    keys,
    call,
    async publish(graph, name = 'Test journey') {
      const created = expectOk(await call('POST', '/v1/journeys', { name, graph }), 'create journey') as {
        id: string;
      };
      expectOk(await call('POST', `/v1/journeys/${created.id}/publish`, { note: 'test' }), 'publish');
      return created.id;
    },
    async track(customerId, event, properties = {}, messageId) {
      expectOk(
        await call('POST', '/v1/track', { userId: customerId, event, properties, messageId }, 'ingest'),
        'track',
      );
    },
    async identify(customerId, traits) {
      expectOk(await call('POST', '/v1/identify', { userId: customerId, traits }, 'ingest'), 'identify');
    },
    async stepsWhenEnded(customerId, nodeId, timeoutMs) {
      const ended = await eventually(async () => {
        const { body } = await call<{ id: string; status: string }[]>(
          'GET',
          `/v1/customers/${customerId}/enrollments`,
        );
        return body.length > 0 && body.every((e) => e.status !== 'active') ? body : undefined;
      }, timeoutMs);
      const timelines = await Promise.all(
        ended.map(
          async (e) =>
            (await call<{ timeline: TimelineStep[] }>('GET', `/v1/enrollments/${e.id}`)).body.timeline,
        ),
      );
      return timelines.flatMap((timeline) => timeline.filter((step) => step.nodeId === nodeId));
    },
    async messages(customerId) {
      return (await call('GET', `/v1/customers/${customerId}/messages`)).body;
    },
    async close() {
      // A timer firing for a workflow nobody polls would stall the shared time-skipping clock for later files.
      const active = await db.collection(COLLECTIONS.enrollments).find({ status: 'active' }).toArray();
      await Promise.all(
        active.map((e) =>
          options.client.workflow
            .getHandle(String(e._id))
            .terminate('test finished')
            .catch(() => undefined),
        ),
      );
      await apiActivities?.stop();
      worker?.shutdown();
      await running;
      await app.close();
      await closeDb();
    },
  };
}

/** Polls until the check returns a value (not undefined/false), or fails with the last seen value. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await check();
    if (last !== undefined && last !== false) return last as T;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}
