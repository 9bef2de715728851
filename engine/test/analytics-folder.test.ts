import { COLLECTIONS, hourKeyOf } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/harness.ts';
import { testDatabase } from '../../test/support/servers.ts';
import {
  foldedThrough,
  MAX_REST_MS,
  REST_FACTOR,
  startAnalyticsFolder,
} from '../src/services/analytics/fold.ts';

describe('the analytics folder', () => {
  let store: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    store = await testDatabase();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('folds in one process per period across processes and moves the checkpoint forward', async () => {
    const db = store.db;
    const now = new Date().toISOString();
    await db.collection(COLLECTIONS.enrollments).insertOne({
      _id: 'e1' as never,
      journeyId: 'j1',
      version: 1,
      status: 'active',
      currentNodeId: 'wait',
      enteredAt: now,
      enteredHour: hourKeyOf(now),
      endedAt: null,
    });
    const errors: unknown[] = [];
    const folders = ['one', 'two'].map((holder) =>
      startAnalyticsFolder(db, { intervalMs: 300, holder, onError: (e) => errors.push(e) }),
    );
    const first = await eventually(async () => {
      if (errors.length) throw errors[0];
      return (await foldedThrough(db)) ?? undefined;
    }, 30_000);
    await eventually(async () => (await foldedThrough(db))! > first || undefined, 30_000);
    await Promise.all(folders.map((f) => f.stop()));
    expect(errors).toEqual([]);
    const claims = await db.collection(COLLECTIONS.leases).find({ name: 'analytics' }).toArray();
    expect(new Set(claims.map((c) => c.bucket)).size).toBe(claims.length);
    const [bucket] = await db.collection(COLLECTIONS.rollups).find({ journeyId: 'j1' }).toArray();
    // Every entrant is also counted in its journey's holdout comparison, as treated (experiments/counts.ts).
    expect(bucket.rows).toEqual([
      { v: 1, k: 'entered', count: 1 },
      { v: 1, k: 'armEntered', x: '~control:treated', count: 1 },
    ]);
    const state = await db.collection(COLLECTIONS.analyticsState).findOne({ _id: 'fold' as never });
    expect(state?.passMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(state?.passEndedAt)).toBeGreaterThan(Date.parse(state?.through));
  });

  it('rests after a long pass: REST_FACTOR times its length, whichever process ran it', async () => {
    const db = store.db;
    const checkpoint = db.collection<{ _id: string }>(COLLECTIONS.analyticsState);
    const before = (await foldedThrough(db))!;
    // Another process's pass took a minute and just ended: nobody folds for the next REST_FACTOR minutes.
    const justNow = new Date().toISOString();
    await checkpoint.updateOne({ _id: 'fold' }, { $set: { passMs: 60_000, passEndedAt: justNow } });
    const folder = startAnalyticsFolder(db, { intervalMs: 200, holder: 'three' });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await foldedThrough(db)).toBe(before);
    // Once that rest is over, the next tick folds.
    const rested = new Date(Date.now() - REST_FACTOR * 60_000 - 1_000).toISOString();
    await checkpoint.updateOne({ _id: 'fold' }, { $set: { passEndedAt: rested } });
    await eventually(async () => (await foldedThrough(db))! > before || undefined, 30_000);
    await folder.stop();
  });

  it('never rests longer than MAX_REST_MS, however long the last pass took', async () => {
    const db = store.db;
    const checkpoint = db.collection<{ _id: string }>(COLLECTIONS.analyticsState);
    const before = (await foldedThrough(db))!;
    // A two-hour pass would ask for six hours of rest; the cap ends it after MAX_REST_MS.
    const ended = new Date(Date.now() - MAX_REST_MS - 60_000).toISOString();
    await checkpoint.updateOne({ _id: 'fold' }, { $set: { passMs: 2 * 3_600_000, passEndedAt: ended } });
    const folder = startAnalyticsFolder(db, { intervalMs: 200, holder: 'four' });
    await eventually(async () => (await foldedThrough(db))! > before || undefined, 30_000);
    await folder.stop();
  });
});
