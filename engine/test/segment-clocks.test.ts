import {
  COLLECTIONS,
  SEGMENT_CLOCK_WORKFLOW,
  SEGMENT_RECHECK_SIGNAL,
  SEGMENT_TIMER_WORKFLOW,
  segmentClockId,
  segmentTimerId,
} from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

const DAY = 86_400_000;

/** Time-relative rules change membership at the exact moment, through a durable clock per customer (time-skipping server). */
describe('segment clocks', () => {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  /**
   * Creates a segment and waits for its backfill: these tests stamp events on the test server's skipped
   * clock, ahead of the wall clock a backfill evaluates with, so one running later would re-enter them.
   */
  const createSegment = async (body: { id: string; name: string; rules: unknown }) => {
    expect((await h.call('POST', '/v1/segments', body)).status).toBe(201);
    await eventually(
      async () => (await h.call('GET', `/v1/segments/${body.id}`)).body.status === 'ready',
      60_000,
    );
  };

  const trackAt = async (userId: string, event: string, at: number) =>
    expect(
      (await h.call('POST', '/v1/track', { userId, event, timestamp: new Date(at).toISOString() }, 'ingest'))
        .status,
    ).toBe(200);

  const changesOf = async (customerId: string) =>
    h.db.collection(COLLECTIONS.segmentChanges).find({ customerId }).sort({ at: 1 }).toArray();

  it('leaves "purchased within 30 days" exactly 30 days after the last purchase', async () => {
    await createSegment({
      id: 'recent-buyers',
      name: 'Recent buyers',
      rules: { kind: 'performed', event: 'purchased', withinDays: 30 },
    });
    await h.track('tim', 'purchased', { amount: 10 });
    const [purchase] = await h.db
      .collection(COLLECTIONS.events)
      .find({ customerId: 'tim', event: 'purchased' })
      .toArray();
    expect((await changesOf('tim')).map((c) => c.kind)).toEqual(['entered']);

    const timer = h.env.client.workflow.getHandle(segmentClockId('tim'));
    expect((await timer.describe()).status.name).toBe('RUNNING');
    await h.env.sleep(31 * DAY);
    await timer.result();
    const changes = await changesOf('tim');
    expect(changes.map((c) => c.kind)).toEqual(['entered', 'exited']);
    expect(changes[1].at).toBe(new Date(Date.parse(purchase.timestamp) + 30 * DAY).toISOString());
    expect(changes[1].reason).toBe('performed purchased 0 times in 30 days (atLeast 1)');
    expect(await h.db.collection(COLLECTIONS.segmentMembers).countDocuments({ customerId: 'tim' })).toBe(0);

    // The exit event was accepted and waits for the sweeper, which routes it like any other event, except
    // that segments referring to it are not evaluated again: the clock's pass did that.
    const [exited] = await h.db
      .collection(COLLECTIONS.events)
      .find({ customerId: 'tim', event: 'segment_exited' })
      .toArray();
    const pending = await h.db.collection(COLLECTIONS.pendingRoutes).findOne({ _id: exited._id });
    expect(pending).toMatchObject({ deferred: true, referrersEvaluated: true });
    const routed: [unknown, unknown][] = [];
    h.app.services.ingestion.addRouteStep(async (doc, options) => {
      routed.push([doc._id, options]);
    });
    await h.app.services.ingestion.sweepUnrouted(0);
    expect(routed).toContainEqual([exited._id, { referrersEvaluated: true }]);
    const events = await eventually(async () => {
      const { body } = await h.call('GET', '/v1/customers/tim/events');
      return body.some((e: { event: string }) => e.event === 'segment_exited') && body;
    });
    expect(events.find((e: { event: string }) => e.event === 'segment_exited').properties).toEqual({
      segment: 'recent-buyers',
      name: 'Recent buyers',
    });
  });

  it('a later purchase moves the exit: the timer re-checks and sleeps on', async () => {
    await createSegment({
      id: 'active-7',
      name: 'Active this week',
      rules: { kind: 'performed', event: 'visited', withinDays: 7 },
    });
    // The timers run on the test server's skipped clock (ahead after the test above): visits are stamped on it.
    const visit = (at: number) => trackAt('val', 'visited', at);
    const first = await h.env.currentTimeMs();
    await visit(first);
    await h.env.sleep(5 * DAY);
    await visit(first + 5 * DAY);
    await h.env.sleep(3 * DAY); // 8 days after the first visit, 3 after the second
    expect((await changesOf('val')).map((c) => c.kind)).toEqual(['entered']);
    await h.env.sleep(5 * DAY);
    await h.env.client.workflow.getHandle(segmentClockId('val')).result();
    expect((await changesOf('val')).map((c) => c.kind)).toEqual(['entered', 'exited']);
  });

  it('leaves "last order within 14 days" (a computed attribute) exactly 14 days after the order', async () => {
    const defined = await h.call('PUT', '/v1/computed-attributes/last_order_at', {
      kind: 'last_at',
      event: 'ordered',
    });
    expect(defined.status).toBe(200);
    await eventually(async () => {
      const { body } = await h.call('GET', '/v1/computed-attributes/last_order_at');
      return body.backfill?.status === 'done';
    }, 60_000);
    await createSegment({
      id: 'fresh-orders',
      name: 'Fresh orders',
      rules: { kind: 'computedDate', attribute: 'last_order_at', relation: 'withinLastDays', days: 14 },
    });
    // Stamped by the API's clock: the timer's moment is the order's time + 14 days, whatever the test server's.
    await h.track('oli', 'ordered');
    const { last_order_at: orderedAt } = (await h.call('GET', '/v1/customers/oli/computed')).body;
    expect((await changesOf('oli')).map((c) => c.kind)).toEqual(['entered']);

    await h.env.sleep(15 * DAY);
    await h.env.client.workflow.getHandle(segmentClockId('oli')).result();
    const changes = await changesOf('oli');
    expect(changes.map((c) => c.kind)).toEqual(['entered', 'exited']);
    expect(changes[1].at).toBe(new Date(Date.parse(orderedAt) + 14 * DAY).toISOString());
    expect(changes[1].reason).toBe(`computed.last_order_at is "${orderedAt}" (not within the last 14 days)`);
  });

  it('one clock per customer serves all their segments: one signal, each exit at its own moment', async () => {
    await createSegment({
      id: 'shoppers-7',
      name: 'Shopped this week',
      rules: { kind: 'performed', event: 'shopped', withinDays: 7 },
    });
    await createSegment({
      id: 'browsers-20',
      name: 'Browsed in 20 days',
      rules: { kind: 'performed', event: 'browsed', withinDays: 20 },
    });
    const first = await h.env.currentTimeMs();
    await trackAt('sam', 'shopped', first);
    // Covered by the re-check at +7 days the clock already holds: that re-check reads this visit.
    await trackAt('sam', 'browsed', first);
    await h.env.sleep(8 * DAY);
    // Covered by the re-check at +20 days the clock set itself when it fired at +7.
    await trackAt('sam', 'browsed', first + 8 * DAY);
    const clock = h.env.client.workflow.getHandle(segmentClockId('sam'));
    const signals = (await clock.fetchHistory()).events?.filter(
      (e) => e.workflowExecutionSignaledEventAttributes,
    );
    expect(signals?.length).toBe(1);
    await h.env.sleep(21 * DAY);
    await clock.result();
    const exits = (await changesOf('sam')).filter((c) => c.kind === 'exited').map((c) => [c.segmentId, c.at]);
    expect(exits).toEqual([
      ['shoppers-7', new Date(first + 7 * DAY).toISOString()],
      ['browsers-20', new Date(first + 28 * DAY).toISOString()],
    ]);
  });

  it('a second purchase in the window sends its clock no second signal, and the exit still moves', async () => {
    await createSegment({
      id: 'buyers-30',
      name: 'Bought this month',
      rules: { kind: 'performed', event: 'purchased', withinDays: 30 },
    });
    const buy = (at: number) => trackAt('mia', 'purchased', at);
    const first = await h.env.currentTimeMs();
    await buy(first);
    await buy(first + DAY);
    const timer = h.env.client.workflow.getHandle(segmentClockId('mia'));
    const events = (await timer.fetchHistory()).events ?? [];
    // The timer holds the first purchase's re-check, which reads the second purchase when it fires.
    expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes).length).toBe(1);
    await h.env.sleep(32 * DAY);
    await timer.result();
    const changes = (await changesOf('mia')).filter((c) => c.segmentId === 'buyers-30');
    expect(changes.map((c) => c.kind)).toEqual(['entered', 'exited']);
    expect(changes[1].at).toBe(new Date(first + 31 * DAY).toISOString());
  });

  it('a condition "is in segment" branches on membership', async () => {
    await h.call('POST', '/v1/segments', { id: 'insiders', kind: 'manual', name: 'Insiders' });
    await h.call('POST', '/v1/segments/insiders/members', { add: ['cond-in'] });
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'checkout', reentry: 'once' } },
          {
            id: 'check',
            type: 'condition',
            config: { combinator: 'and', rules: [{ kind: 'in_segment', segment: 'insiders' }] },
          },
          { id: 'yes', type: 'exit', config: {} },
          { id: 'no', type: 'exit', config: {} },
        ],
        ['start->check', 'check:yes->yes', 'check:no->no'],
      ),
    );
    await h.track('cond-in', 'checkout');
    await h.track('cond-out', 'checkout');
    const [inside] = await h.stepsWhenEnded('cond-in', 'check');
    expect(inside).toMatchObject({ port: 'yes', reason: 'Yes: in segment "insiders"' });
    const [outside] = await h.stepsWhenEnded('cond-out', 'check');
    expect(outside).toMatchObject({ port: 'no', reason: 'No: not in segment "insiders"' });
  });

  it('a clock, or a release 0.3 timer, that fires after the customer was erased writes nothing about them', async () => {
    await createSegment({
      id: 'quiet-week',
      name: 'Quiet week',
      rules: { kind: 'notPerformed', event: 'visited', withinDays: 7 },
    });
    const customerId = 'erased-erin';
    expect((await h.call('DELETE', `/v1/customers/${customerId}`, undefined, 'support')).status).toBe(200);
    // As if they had been started before the erasure: the clock holds a re-check, the old timer a pending one.
    const at = Date.now() + DAY;
    const { client } = h.env;
    const clock = await client.workflow.signalWithStart(SEGMENT_CLOCK_WORKFLOW, {
      workflowId: segmentClockId(customerId),
      taskQueue: h.taskQueue,
      args: [{ customerId }],
      signal: SEGMENT_RECHECK_SIGNAL,
      signalArgs: [new Date(at).toISOString()],
    });
    const timer = (who: string) =>
      client.workflow.start(SEGMENT_TIMER_WORKFLOW, {
        workflowId: segmentTimerId('quiet-week', who),
        taskQueue: h.taskQueue,
        args: [{ segmentId: 'quiet-week', customerId: who }, at],
      });
    // A customer who was not erased, under the same rule: the timer does make them a member.
    const timers = [await timer(customerId), await timer('kept-kim')];
    await h.env.sleep(2 * DAY);
    // One at a time: each result() of the time-skipping client unlocks the shared server's clock and locks it
    // again, and the server refuses an unlock while another is outstanding.
    for (const run of [clock, ...timers]) await run.result();
    for (const collection of [
      COLLECTIONS.segmentMembers,
      COLLECTIONS.segmentChanges,
      COLLECTIONS.segmentTimerMarks,
    ])
      expect(await h.db.collection(collection).countDocuments({ customerId })).toBe(0);
    const kept = await h.db.collection(COLLECTIONS.segmentMembers).countDocuments({ customerId: 'kept-kim' });
    expect(kept).toBe(1);
  });
});
