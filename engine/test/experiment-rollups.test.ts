import { COLLECTIONS, CONTROL_STEP_NODE, foldKeyOf, hourKeyOf } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abSplit } from '../../test/support/experiments.ts';
import { graph } from '../../test/support/journeys.ts';
import { testDatabase } from '../../test/support/servers.ts';
import { armRows, countArms } from '../src/experiments/counts.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';

const HOUR = 3_600_000;
const JOURNEY = 'arms-journey';
const iso = (ms: number) => new Date(ms).toISOString();

/** trigger -> split ab (a: mailA, b: mailB; revenue from `buy.amount` within a day) -> exit; goal on `buy`. */
const version = {
  journeyId: JOURNEY,
  version: 1,
  graph: graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'go', reentry: 'always' } },
      { id: 'intro', type: 'send', config: { channel: 'email', subject: 'Hi', body: 'Hello' } },
      abSplit(['A', 'B'], { primaryMetric: 'revenue', minSample: 1, attributionDays: 1 }),
      { id: 'mailA', type: 'send', config: { channel: 'email', subject: 'A', body: 'A' } },
      { id: 'mailB', type: 'send', config: { channel: 'email', subject: 'B', body: 'B' } },
      { id: 'end', type: 'exit', config: {} },
      { id: 'goal', type: 'goal', config: { event: 'buy' } },
    ],
    ['start->intro', 'intro->ab', 'ab:a->mailA', 'ab:b->mailB', 'mailA->end', 'mailB->end'],
  ),
};

/** Facts recorded one document each, as the worker and engine write them (stamped with the minute written). */
function facts(db: Db, base: number) {
  return {
    enroll: (id: string, customerId: string, enteredMs: number, status = 'active') =>
      db.collection(COLLECTIONS.enrollments).insertOne({
        _id: id as never,
        journeyId: JOURNEY,
        version: 1,
        customerId,
        status,
        enteredAt: iso(enteredMs),
        enteredHour: hourKeyOf(enteredMs),
        endedAt: status === 'active' ? null : iso(enteredMs + 60_000),
        ...(status === 'active' ? {} : { endedHour: hourKeyOf(enteredMs + 60_000) }),
        endReason: null,
        foldKey: foldKeyOf(),
      }),
    step: (enrollmentId: string, customerId: string, nodeId: string, atMs: number, port: string | null) =>
      db.collection(COLLECTIONS.steps).insertOne({
        _id: `${enrollmentId}:${nodeId}:${nodeId === CONTROL_STEP_NODE ? 0 : 1}` as never,
        enrollmentId,
        journeyId: JOURNEY,
        customerId,
        nodeId,
        nodeType: nodeId === CONTROL_STEP_NODE ? 'control' : nodeId === 'ab' ? 'split' : 'send',
        visit: 1,
        at: iso(atMs),
        hour: hourKeyOf(atMs),
        outcome: port === 'holdout' || port === 'global' ? port : 'done',
        port: port === 'holdout' || port === 'global' ? null : port,
        foldKey: foldKeyOf(),
      }),
    deliver: (enrollmentId: string, customerId: string, nodeId: string, atMs: number, clicks = 0) =>
      db.collection(COLLECTIONS.deliveries).insertOne({
        _id: `${enrollmentId}:${nodeId}` as never,
        journeyId: JOURNEY,
        enrollmentId,
        customerId,
        nodeId,
        channel: 'email',
        status: 'sent',
        createdAt: iso(atMs),
        createdHour: hourKeyOf(atMs),
        updatedAt: iso(atMs),
        sentAtMs: atMs,
        clicks,
        ...(clicks ? { lastClickedAt: iso(atMs + 1_000) } : {}),
        foldKey: foldKeyOf(),
      }),
    buy: (customerId: string, atMs: number, amount: number) =>
      db.collection(COLLECTIONS.events).insertOne({
        _id: `buy-${customerId}-${atMs}` as never,
        customerId,
        event: 'buy',
        type: 'track',
        properties: { amount },
        timestamp: iso(atMs),
        receivedAt: iso(Date.now()),
        foldKey: foldKeyOf(),
      }),
    base,
  };
}

describe('experiment and holdout counts from the rollups', () => {
  let store: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    store = await testDatabase();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('equal a hand count, and a later click, purchase or conversion refolds the entry hour', async () => {
    const db = store.db;
    const base = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
    const f = facts(db, base);
    await db
      .collection(COLLECTIONS.journeys)
      .insertOne({ _id: JOURNEY as never, name: 'Arms', createdAt: iso(base - HOUR) });
    await db.collection(COLLECTIONS.versions).insertOne({ _id: `${JOURNEY}:1` as never, ...version });
    const assign = async (id: string, customer: string, at: number, port: string, status = 'active') => {
      await f.enroll(id, customer, at, status);
      await f.step(id, customer, 'ab', at, port);
    };
    // c1 enters twice: its later purchase belongs to the later assignment (last touch), the first to e1.
    await assign('e1', 'c1', base + 60_000, 'a', 'converted');
    await f.buy('c1', base + 2 * 60_000, 10);
    await assign('e6', 'c1', base + 3 * HOUR, 'b');
    await f.buy('c1', base + 3 * HOUR + 60_000, 100);
    // c2 buys twice inside the window: one entrant with 50, whose square is 2500.
    await assign('e2', 'c2', base + HOUR + 5_000, 'b', 'converted');
    await f.buy('c2', base + HOUR + 10_000, 20);
    await f.buy('c2', base + HOUR + 20_000, 30);
    // c3 buys two days later: outside the one-day window.
    await assign('e3', 'c3', base + HOUR + 7_000, 'b');
    await f.deliver('e3', 'c3', 'intro', base + HOUR + 7_000, 1); // before the split: no click for b
    // c4 is held out (its split step does not count for a); c5 is in the global control group.
    await f.enroll('e4', 'c4', base + 2 * HOUR, 'converted');
    await f.step('e4', 'c4', CONTROL_STEP_NODE, base + 2 * HOUR, 'holdout');
    await f.step('e4', 'c4', 'ab', base + 2 * HOUR, 'a');
    await f.buy('c4', base + 2 * HOUR + 60_000, 7);
    await f.enroll('e5', 'c5', base + 2 * HOUR + 1_000);
    await f.step('e5', 'c5', CONTROL_STEP_NODE, base + 2 * HOUR + 1_000, 'global');
    // c7 waits five hours between entry and the split, then clicks the variant's message.
    await f.enroll('e7', 'c7', base + 30_000);
    await f.step('e7', 'c7', 'ab', base + 5 * HOUR, 'a');
    await f.deliver('e7', 'c7', 'mailA', base + 5 * HOUR, 2);

    await foldAnalytics(db);
    const counted = async () => {
      const rows = await armRows(db, JOURNEY, iso(base - HOUR));
      const split = countArms(rows, 'ab', [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ]);
      const holdout = countArms(rows, CONTROL_STEP_NODE, [
        { id: 'treated', label: 'Treated' },
        { id: 'holdout', label: 'Held out' },
      ]);
      return { split, holdout, rows };
    };
    const first = await counted();
    expect(first.split).toEqual([
      {
        id: 'a',
        label: 'A',
        entered: 2,
        converted: 1,
        clicked: 1,
        revenue: { n: 2, sum: 10, sumSquares: 100 },
      },
      {
        id: 'b',
        label: 'B',
        entered: 3,
        converted: 1,
        clicked: 0,
        revenue: { n: 3, sum: 150, sumSquares: 100 * 100 + 50 * 50 },
      },
    ]);
    expect(first.holdout).toEqual([
      {
        id: 'treated',
        label: 'Treated',
        entered: 5,
        converted: 2,
        clicked: 2,
        revenue: { n: 5, sum: 160, sumSquares: 100 + 100 * 100 + 50 * 50 },
      },
      {
        id: 'holdout',
        label: 'Held out',
        entered: 2,
        converted: 1,
        clicked: 0,
        revenue: { n: 2, sum: 7, sumSquares: 49 },
      },
    ]);
    const global = first.rows.filter((r) => r.k === 'armEntered' && r.p === 'global');
    expect(global.map((r) => r.count)).toEqual([1]);

    // Recorded since the fold: e3 clicks its variant's message and converts, c3 buys inside e3's window
    // (its timestamp is hours after entry), and nothing else changes.
    const now = Date.now();
    await f.deliver('e3', 'c3', 'mailB', now, 1);
    await db
      .collection(COLLECTIONS.enrollments)
      .updateOne(
        { _id: 'e3' as never },
        { $set: { status: 'converted', endedAt: iso(now), foldKey: foldKeyOf(now) } },
      );
    await f.buy('c3', base + HOUR + 8 * HOUR, 40);
    await f.buy('c3', base + HOUR + 2 * 24 * HOUR, 999);
    await foldAnalytics(db);
    const b = (await counted()).split[1];
    expect(b).toMatchObject({ entered: 3, converted: 2, clicked: 1 });
    expect(b.revenue).toEqual({ n: 3, sum: 190, sumSquares: 100 * 100 + 50 * 50 + 40 * 40 });
    // Folding again with nothing new changes nothing.
    await foldAnalytics(db);
    expect((await counted()).split[1]).toEqual(b);
  }, 120_000);
});
