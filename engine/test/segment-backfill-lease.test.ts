import type { SegmentDoc } from '@itinera/nodes/segments';
import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/servers.ts';
import { leases } from '../src/services/lease.ts';
import { backfillRunner, backfillStore } from '../src/services/segment-backfill.ts';

const PERIOD_MS = 1_200;
const CUSTOMERS = 650; // four pages of at most 200
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a segment backfill across lease periods', () => {
  let store: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    store = await testDatabase();
    const now = new Date().toISOString();
    await store.db.collection<{ _id: string }>(COLLECTIONS.profiles).insertMany(
      Array.from({ length: CUSTOMERS }, (_, i) => ({
        _id: `p-${String(i).padStart(4, '0')}`,
        traits: { plan: 'pro' },
      })),
    );
    const segment = (id: string): SegmentDoc => ({
      _id: id,
      kind: 'rules',
      name: id,
      rules: { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
      reads: { traits: ['plan'], events: [], segments: [] } as never,
      generation: 1,
      createdAt: now,
      updatedAt: now,
    });
    await store.db
      .collection<SegmentDoc>(COLLECTIONS.segments)
      .insertMany([segment('kept'), segment('yielded')]);
  });
  afterAll(async () => {
    await store?.close();
  });

  /** A runner whose pages take half a lease period each, recording every customer it is asked to refresh. */
  const slowRunner = (seen: string[], onPage = async () => {}) =>
    backfillRunner(
      store.db,
      async (_segments, customerIds) => {
        seen.push(...customerIds);
        await onPage();
        await sleep(PERIOD_MS / 2);
      },
      PERIOD_MS,
      0,
    );
  const holdersOf = async (jobId: string) =>
    (
      await store.db
        .collection(COLLECTIONS.leases)
        .find({ name: `backfill:${jobId}` })
        .toArray()
    ).map((l) => l.holder);

  it('keeps its pass past its period by claiming the next one, and yields where another holds it', async () => {
    const { docs, start } = backfillStore(store.db);
    await start('kept', 1, CUSTOMERS);
    const seen: string[] = [];
    // Two periods' worth of pages in one run: the holder renews instead of stopping at its period's end.
    expect(await slowRunner(seen).run('h1')).toBe(1);
    expect(seen).toHaveLength(CUSTOMERS);
    expect(new Set(seen).size).toBe(CUSTOMERS);
    const held = await holdersOf('kept:1');
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(new Set(held)).toEqual(new Set(['h1']));
    await docs.deleteOne({ _id: 'kept:1' });

    // Another process claims the period after h1's first: h1 stops at its own period's end, cursor saved.
    await start('yielded', 1, CUSTOMERS);
    const first: string[] = [];
    let claimed = false;
    const other = async () => {
      if (claimed) return;
      claimed = true;
      const next = (Math.floor(Date.now() / PERIOD_MS) + 1) * PERIOD_MS;
      expect(await leases(store.db).claim('backfill:yielded:1', PERIOD_MS, 'h2', next)).not.toBeNull();
    };
    expect(await slowRunner(first, other).run('h1')).toBe(0);
    const paused = await docs.findOne({ _id: 'yielded:1' });
    expect(paused).toMatchObject({ done: false, phase: 'profiles' });
    expect(paused!.processed).toBe(first.length);
    expect(first.length).toBeLessThan(CUSTOMERS);

    // Once h2's period is over (h2 died), the next holder goes on from the cursor: nobody twice.
    await sleep(2 * PERIOD_MS);
    const rest: string[] = [];
    expect(await slowRunner(rest).run('h3')).toBe(1);
    expect(new Set([...first, ...rest]).size).toBe(CUSTOMERS);
    expect(first.length + rest.length).toBe(CUSTOMERS);
  }, 60_000);
});
