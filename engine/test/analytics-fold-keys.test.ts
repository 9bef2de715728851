import { COLLECTIONS, foldKeyOf, hourKeyOf } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/servers.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';
import { STAMP_MARGIN_MS } from '../src/services/analytics/hour-stamps.ts';
import { readWaiting } from '../src/services/analytics/waiting.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Entered counts summed over a journey's hour documents. */
async function enteredOf(db: Db, journeyId: string) {
  const hours = await db
    .collection<{ hour?: string; rows: { k: string; count: number }[] }>(COLLECTIONS.rollups)
    .find({ journeyId })
    .toArray();
  return hours
    .filter((h) => h.hour)
    .flatMap((h) => h.rows)
    .filter((r) => r.k === 'entered')
    .reduce((n, r) => n + r.count, 0);
}

function enrollment(journeyId: string, id: string, atMs: number, extra: Record<string, unknown> = {}) {
  return {
    _id: id as never,
    journeyId,
    version: 1,
    customerId: `c-${id}`,
    status: 'active',
    currentNodeId: 'start',
    enteredAt: iso(atMs),
    endedAt: null,
    endReason: null,
    ...extra,
  };
}

/** A step as the worker's recordStep writes it: `next` is null at the enrollment's end. */
function step(journeyId: string, enrollmentId: string, nodeId: string, next: string | null, atMs: number) {
  return {
    _id: `${enrollmentId}:${nodeId}:1` as never,
    enrollmentId,
    journeyId,
    customerId: `c-${enrollmentId}`,
    nodeId,
    nodeType: nodeId === 'goal' ? 'goal' : 'wait',
    visit: 1,
    at: iso(atMs),
    outcome: 'done',
    port: null,
    reason: '',
    next,
    foldKey: foldKeyOf(atMs),
  };
}

describe('the analytics fold by fold keys', () => {
  let store: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    store = await testDatabase();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('folds facts of an older release (no fold key) exactly once, then only stamped ones', async () => {
    const db = store.db;
    const now = Date.now();
    // The checkpoint an older release left, and two facts it wrote since that the new fold must pick up.
    await db
      .collection<{ _id: string; through: string }>(COLLECTIONS.analyticsState)
      .insertOne({ _id: 'fold', through: iso(now - 60_000) });
    await db
      .collection(COLLECTIONS.enrollments)
      .insertMany([enrollment('old-j', 'old-1', now - 30_000), enrollment('old-j', 'old-2', now - 20_000)]);
    expect(await foldAnalytics(db)).toBeGreaterThan(0);
    expect(await enteredOf(db, 'old-j')).toBe(2);
    const state = await db.collection(COLLECTIONS.analyticsState).findOne({ _id: 'fold' as never });
    expect(state?.keyed).toBe(true);

    // From now on the fold looks up fold keys: the unstamped facts are not found (nor counted) again.
    expect(await foldAnalytics(db)).toBe(0);
    expect(await enteredOf(db, 'old-j')).toBe(2);

    // A stamped fact is found by its minute, and its hour is recomputed with the older facts in it.
    await db
      .collection(COLLECTIONS.enrollments)
      .insertOne(enrollment('old-j', 'new-1', Date.now(), { foldKey: foldKeyOf(), entryNodeId: 'start' }));
    expect(await foldAnalytics(db)).toBeGreaterThan(0);
    expect(await enteredOf(db, 'old-j')).toBe(3);
  }, 120_000);

  it('reads hours by time after an upgrade until the margin has passed, then by their hour stamps', async () => {
    const db = store.db;
    const state = db.collection<{ _id: string; from?: string }>(COLLECTIONS.analyticsState);
    // This store was folded by an older release (the test above), so its stamped hours begin later.
    const { from } = (await state.findOne({ _id: 'hourStamps' }))!;
    expect(Date.parse(from!)).toBeGreaterThanOrEqual(Date.now() + STAMP_MARGIN_MS);
    await state.updateOne({ _id: 'hourStamps' }, { $set: { from: new Date(0).toISOString() } });
    const now = Date.now();
    const stamped = { foldKey: foldKeyOf(now), entryNodeId: 'start', enteredHour: hourKeyOf(now) };
    await db.collection(COLLECTIONS.enrollments).insertMany([
      enrollment('stamp-j', 'stamped-1', now, stamped),
      // Written without its hour stamp in a stamped hour: the fold reads by the stamp and does not see it.
      enrollment('stamp-j', 'unstamped-1', now, { foldKey: foldKeyOf(now), entryNodeId: 'start' }),
    ]);
    expect(await foldAnalytics(db)).toBeGreaterThan(0);
    expect(await enteredOf(db, 'stamp-j')).toBe(1);
    // The tests below write facts as the older release did.
    await state.updateOne({ _id: 'hourStamps' }, { $set: { from } });
  }, 120_000);

  it('counts who waits where from steps, moves and ends, matching a hand count', async () => {
    const db = store.db;
    const j = 'wait-j';
    const t = Date.now() - 60_000;
    const stamped = { entryNodeId: 'start', foldKey: foldKeyOf(t) };
    const ended = (status: string) => ({ status, endedAt: iso(t + 5_000), currentNodeId: null });
    await db.collection(COLLECTIONS.enrollments).insertMany([
      // e1 waits at w; e2 converts by a goal while at w; e3's run closes without an end step (reconciled).
      enrollment(j, 'e1', t, stamped),
      enrollment(j, 'e2', t, { ...stamped, ...ended('converted') }),
      enrollment(j, 'e3', t, { ...stamped, ...ended('failed') }),
      // e4 is moved from w to w2 by a migration; e5 entered before counting began and waits at w.
      enrollment(j, 'e4', t, stamped),
      enrollment(j, 'e5', t, { currentNodeId: 'w' }),
    ]);
    const steps = db.collection(COLLECTIONS.steps);
    for (const id of ['e1', 'e2', 'e3', 'e4']) await steps.insertOne(step(j, id, 'start', 'w', t + 1_000));
    await steps.insertOne(step(j, 'e2', 'goal', null, t + 5_000));
    const { next: _, ...moveLine } = step(j, 'e4', 'w', null, t + 2_000);
    await steps.insertOne({
      ...moveLine,
      _id: 'e4:move:m1' as never,
      outcome: 'moved',
      data: { migrationId: 'm1', toNodeId: 'w2' },
    });
    await foldAnalytics(db);
    // e5 has no entry node: it is counted live while it is active.
    expect(Object.fromEntries(await readWaiting(db, j))).toEqual({ w: 2, w2: 1 });

    await db
      .collection(COLLECTIONS.enrollments)
      .updateOne(
        { _id: 'e5' as never },
        { $set: { ...ended('completed'), endedAt: iso(Date.now()), foldKey: foldKeyOf() } },
      );
    await foldAnalytics(db);
    expect(Object.fromEntries(await readWaiting(db, j))).toEqual({ w: 1, w2: 1 });
    const doc = await db.collection(COLLECTIONS.rollups).findOne({ _id: `${j}|waiting` as never });
    expect(doc?.legacyDone).toBe(true);
  }, 120_000);
});
