import type { StepRecord } from '@itinera/schemas';
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
