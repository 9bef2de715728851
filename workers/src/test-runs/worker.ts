import type { StepRecord } from '@itinera/schemas';
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
// The same switch @temporalio/testing uses to reach the test server's TestService.
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection.js';
import type { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { bookkeepingActivities } from '../activities/bookkeeping.ts';
import { outboxProvider } from '../providers/outbox.ts';
import { createItineraWorker, type WorkerPlugin } from '../worker.ts';
import { testRunActivities } from './activities.ts';
import { sandboxDb } from './sandbox.ts';

export interface TestRunWorkerOptions {
  /** A connection to the time-skipping test server. */
  connection: NativeConnection;
  taskQueue: string;
  db: Db;
  plugins?: WorkerPlugin[];
  workflowBundle?: WorkflowBundleOption;
}

/**
 * A worker for test runs: the same workflows, executors and activities as the real worker, on the sandbox
 * database, with every channel's provider replaced by the sandbox outbox (messages are rendered, never sent).
 */
export async function createTestRunWorker(options: TestRunWorkerOptions): Promise<Worker> {
  const sandbox = sandboxDb(options.db);
  const outbox = outboxProvider(sandbox);
  return createItineraWorker({
    connection: options.connection,
    taskQueue: options.taskQueue,
    db: sandbox,
    providers: { email: outbox, sms: outbox, push: outbox, webhook: outbox },
    plugins: [...(options.plugins ?? []), { activities: sandboxActivities }],
    workflowBundle: options.workflowBundle,
  });
}

/** Steps recorded in one simulated instant keep their order by the real time they were recorded. */
function sandboxActivities(db: Db) {
  const { recordStep } = bookkeepingActivities(db);
  return {
    ...testRunActivities(db),
    recordStep: (step: StepRecord) =>
      recordStep({ ...step, recordedAt: performance.timeOrigin + performance.now() } as StepRecord),
  };
}

const GRPC_UNKNOWN = 2;

/**
 * An unlock of a clock already unlocked (by this worker before it restarted) is refused as unbalanced; the
 * test server's native build reports that exception as a bare UNKNOWN "Application error processing RPC".
 */
const alreadyUnlocked = (error: unknown) =>
  /unbalanced/i.test((error as Error).message) || (error as { code?: number }).code === GRPC_UNKNOWN;

/** The client's usual retries, except of that answer (retried, it held a restarting worker for 10 s). */
const retries = defaultGrpcRetryOptions();
const retryInterceptor = makeGrpcRetryInterceptor({
  ...retries,
  retryableDecider: (attempt, status) =>
    status.code !== GRPC_UNKNOWN && retries.retryableDecider(attempt, status),
});

/**
 * The test server only moves its clock while time skipping is unlocked; it starts locked. Test runs need it
 * unlocked for good: every wait is then skipped as soon as no workflow task or activity is in flight. `relock`
 * undoes it (tests sharing one server with other files); `release` only closes the connection. A server
 * already unlocked (a restarted worker) is fine.
 */
export async function unlockTimeSkipping(address: string) {
  const connection = await Connection.connect({
    address,
    interceptors: [retryInterceptor],
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as Parameters<typeof Connection.connect>[0]);
  const testService = connection.testService;
  if (!testService) throw new Error(`${address} is not a time-skipping test server`);
  let unlocked = false;
  try {
    await testService.unlockTimeSkipping({});
    unlocked = true;
  } catch (error) {
    if (!alreadyUnlocked(error)) throw error;
  }
  return {
    async relock() {
      if (unlocked) await testService.lockTimeSkipping({});
      await connection.close();
    },
    release: () => connection.close(),
  };
}
