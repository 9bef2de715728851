import { COLLECTIONS, ENROLLMENT_WORKFLOW, type EnrollmentInput, type JourneyGraph } from '@itinera/schemas';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lapsLoop } from '../../test/support/journeys.ts';
import { timeSkippingWorker } from '../../test/support/servers.ts';

describe('long-running enrollments', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let taskQueue: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ env, db, taskQueue, close } = await timeSkippingWorker());
  });
  afterAll(async () => {
    await close?.();
  });

  const input = (
    id: string,
    journey: JourneyGraph,
    maxLoopIterations: number,
    historyLimit?: number,
  ): EnrollmentInput => ({
    enrollmentId: id,
    customerId: id,
    journey: {
      id: 'loop',
      version: 1,
      name: 'Loop',
      graph: journey,
      settings: { defaultTimezone: 'UTC', maxLoopIterations, priority: 5 },
    },
    trigger: null,
    historyLimit,
  });

  it('continues as new to stay within history limits, without losing its place or its events', async () => {
    const handle = await env.client.workflow.start(ENROLLMENT_WORKFLOW, {
      taskQueue,
      workflowId: 'looper',
      args: [input('looper', lapsLoop(30), 100, 80)],
    });
    const result = await handle.result();
    expect(result).toBe('completed');
    const firstRun = await env.client.workflow.getHandle('looper', handle.firstExecutionRunId).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    const profile = await db.collection(COLLECTIONS.profiles).findOne({ _id: 'looper' as never });
    expect(profile?.traits.laps).toBe(30);
    const steps = await db.collection(COLLECTIONS.steps).find({ enrollmentId: 'looper' }).toArray();
    expect(steps.filter((s) => s.nodeId === 'count')).toHaveLength(30);
    expect(steps.find((s) => s.nodeId === 'more' && s.visit === 30)?.reason).toBe(
      'No: laps lt 30 did not hold',
    );
  });

  it('a loop guard stops a customer who has gone round too many times', async () => {
    const result = await env.client.workflow.execute(ENROLLMENT_WORKFLOW, {
      taskQueue,
      workflowId: 'spinner',
      args: [input('spinner', lapsLoop(1_000), 5)],
    });
    expect(result).toBe('exited');
    const last = await db
      .collection(COLLECTIONS.steps)
      .find({ enrollmentId: 'spinner' })
      .sort({ at: -1, visit: -1 })
      .limit(1)
      .next();
    expect(last).toMatchObject({ nodeId: 'wait', outcome: 'loop_guard', visit: 6 });
  });
});
