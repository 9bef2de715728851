import {
  COLLECTIONS,
  type CustomerEvent,
  ENROLLMENT_WORKFLOW,
  type EnrollmentInput,
  QUERIES,
  SIGNALS,
  type WaitRecord,
} from '@itinera/schemas';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/harness.ts';
import { days, waitForEventJourney } from '../../test/support/journeys.ts';
import { timeSkippingWorker, workflowBundle } from '../../test/support/servers.ts';
import { bookkeepingActivities } from '../src/activities/bookkeeping.ts';

const waitForPaid = waitForEventJourney({ kind: 'api' }, 'paid', {
  event: 'paid',
  where: [{ path: 'plan', op: 'eq', value: 'pro' }],
  timeout: { amount: 10, unit: 'days' },
});

const paid = (customerId: string, messageId: string, plan: string): CustomerEvent => ({
  messageId,
  customerId,
  event: 'paid',
  properties: { plan },
  timestamp: new Date().toISOString(),
  receivedAt: new Date().toISOString(),
});

describe('waiting for an event', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let taskQueue: string;
  let close: () => Promise<void>;
  /** Customers whose "paid" event the test sends while their wait is still being announced. */
  const payDuringSetup = new Set<string>();

  beforeAll(async () => {
    ({ env, db, taskQueue, close } = await timeSkippingWorker((env, db) => {
      const real = bookkeepingActivities(db);
      const markWaiting = async (wait: WaitRecord) => {
        if (payDuringSetup.has(wait.enrollmentId)) {
          const event = paid(wait.enrollmentId, `during-setup-${wait.enrollmentId}`, 'pro');
          await env.client.workflow.getHandle(wait.enrollmentId).signal(SIGNALS.event, event);
          // Outlast the workflow task heartbeat, so the signal reaches the workflow mid-setup.
          await new Promise((resolve) => setTimeout(resolve, 3_000));
        }
        await real.markWaiting(wait);
      };
      return [{ activities: () => ({ markWaiting }) }];
    }));
  });
  afterAll(async () => {
    await close?.();
  });

  const input = (id: string, historyLimit?: number): EnrollmentInput => ({
    enrollmentId: id,
    customerId: id,
    journey: {
      id: 'paid',
      version: 1,
      name: 'Paid',
      graph: waitForPaid,
      settings: { defaultTimezone: 'UTC', maxLoopIterations: 10, priority: 5 },
    },
    trigger: null,
    historyLimit,
  });
  /** The recorded history replays against the current workflow code without nondeterminism. */
  const replays = async (id: string, runId?: string) => {
    const history = await env.client.workflow.getHandle(id, runId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, id);
  };
  const stepAt = (id: string) =>
    db.collection(COLLECTIONS.steps).findOne({ enrollmentId: id, nodeId: 'paid' });
  const enrollmentDoc = (id: string) => db.collection(COLLECTIONS.enrollments).findOne({ _id: id as never });

  it('does not miss an event that arrives while the wait is being set up', async () => {
    payDuringSetup.add('quick');
    await db.collection(COLLECTIONS.enrollments).insertOne({ _id: 'quick' as never, status: 'active' });
    const result = await env.client.workflow.execute(ENROLLMENT_WORKFLOW, {
      taskQueue,
      workflowId: 'quick',
      args: [input('quick')],
      // A short task timeout makes the worker heartbeat the task during the slow markWaiting.
      workflowTaskTimeout: '2 seconds',
    });
    expect(result).toBe('completed');
    expect(await stepAt('quick')).toMatchObject({ outcome: 'happened', visit: 1 });
    await replays('quick');
  });

  it('moves a long wait to a fresh run when history grows, keeping its deadline', async () => {
    await db.collection(COLLECTIONS.enrollments).insertOne({ _id: 'busy' as never, status: 'active' });
    const handle = await env.client.workflow.start(ENROLLMENT_WORKFLOW, {
      taskQueue,
      workflowId: 'busy',
      args: [input('busy', 20)],
    });
    const deadline = await eventually(async () => (await enrollmentDoc('busy'))?.nextWakeAt || undefined);
    await env.sleep(days(2));
    // "paid" on another plan reaches the enrollment (the journey listens for "paid") but is no match.
    for (let i = 0; i < 30; i++) await handle.signal(SIGNALS.event, paid('busy', `basic-${i}`, 'basic'));
    const firstRun = env.client.workflow.getHandle('busy', handle.firstExecutionRunId);
    await eventually(async () => (await firstRun.describe()).status.name === 'CONTINUED_AS_NEW');
    await eventually(async () => (await handle.describe()).runId !== handle.firstExecutionRunId);
    // The fresh run waits until the deadline the first run set, not 10 days from now.
    const state = await handle.query<{ nextWakeAt: string | null }>(QUERIES.state);
    expect(state.nextWakeAt).toBe(deadline);

    await env.sleep(days(9));
    expect(await handle.result()).toBe('completed');
    expect(await stepAt('busy')).toMatchObject({ outcome: 'timed_out', visit: 1 });
    await replays('busy', handle.firstExecutionRunId);
  });
});
