import {
  COLLECTIONS,
  ENROLLMENT_WORKFLOW,
  type EnrollmentInput,
  type JourneyGraph,
  SIGNALS,
  type VersionMove,
} from '@itinera/schemas';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/harness.ts';
import { days, graph } from '../../test/support/journeys.ts';
import { sharedTimeSkippingWorker, workflowBundle } from '../../test/support/servers.ts';

const pingThenWait = (text: string): JourneyGraph =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
      { id: 'ping', type: 'send', config: { channel: 'email', subject: text, body: text } },
      { id: 'after', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->ping', 'ping->after', 'after->end'],
  );
const journey = (version: number): EnrollmentInput['journey'] => ({
  id: 'moving',
  version,
  name: 'Moving',
  graph: pingThenWait(`v${version} ping`),
  settings: { defaultTimezone: 'UTC', maxLoopIterations: 10, priority: 5 },
});

describe('a version move requested while a send waits out quiet hours', () => {
  const w = sharedTimeSkippingWorker();

  it('survives the run continuing as new mid-send: the send finishes on v1, then the move is answered', async () => {
    const { env, db, taskQueue } = w;
    const now = await env.currentTimeMs();
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    await db.collection(COLLECTIONS.settings).insertOne({
      _id: 'delivery' as never,
      quietHours: { start: hhmm(now - 3_600_000), end: hhmm(now + 3 * 3_600_000) },
      frequencyCaps: [],
    });
    await db
      .collection(COLLECTIONS.profiles)
      .insertOne({ _id: 'mover' as never, traits: { email: 'mover@example.com' } });
    await db
      .collection(COLLECTIONS.enrollments)
      .insertOne({ _id: 'mover' as never, status: 'active', version: 1 });
    const handle = await env.client.workflow.start(ENROLLMENT_WORKFLOW, {
      taskQueue,
      workflowId: 'mover',
      args: [
        { enrollmentId: 'mover', customerId: 'mover', journey: journey(1), trigger: null, historyLimit: 40 },
      ],
    });
    await eventually(async () => {
      const doc = await db.collection(COLLECTIONS.enrollments).findOne({ _id: 'mover' as never });
      return doc?.currentNodeId === 'ping' && doc.nextWakeAt;
    });
    const move: VersionMove = {
      migrationId: 'm1',
      journey: journey(2),
      mapping: { ping: 'ping', after: 'after' },
    };
    await handle.signal(SIGNALS.move, move);
    // Unrelated events grow the history until the deferred send moves to a fresh run.
    for (let i = 0; i < 30; i++) {
      const at = new Date().toISOString();
      await handle.signal(SIGNALS.event, {
        messageId: `noise-${i}`,
        customerId: 'mover',
        event: 'noise',
        properties: {},
        timestamp: at,
        receivedAt: at,
      });
    }
    const firstRun = env.client.workflow.getHandle('mover', handle.firstExecutionRunId);
    await eventually(async () => (await firstRun.describe()).status.name === 'CONTINUED_AS_NEW');
    expect(await db.collection(COLLECTIONS.migrationMoves).find().toArray()).toEqual([]);

    await env.sleep(4 * 3_600_000);
    const answer = await eventually(() =>
      db.collection(COLLECTIONS.migrationMoves).findOne({ migrationId: 'm1' }),
    );
    expect(answer).toMatchObject({ outcome: 'moved', toNodeId: 'after', keptWakeAt: null });
    await env.sleep(days(2));
    expect(await handle.result()).toBe('completed');
    const sent = await db.collection(COLLECTIONS.messages).find({ customerId: 'mover' }).toArray();
    expect(sent.map((m) => String(m.body).split('<')[0])).toEqual(['v1 ping']);
    const doc = await db.collection(COLLECTIONS.enrollments).findOne({ _id: 'mover' as never });
    expect(doc).toMatchObject({ version: 2, status: 'completed' });
    for (const runId of [handle.firstExecutionRunId, undefined]) {
      const history = await env.client.workflow.getHandle('mover', runId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, 'mover');
    }
  });
});
