import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/servers.ts';
import { enrollmentService, type TemporalTarget } from '../src/services/enrollments.ts';
import { ingestionService } from '../src/services/ingestion.ts';
import { journeyService } from '../src/services/journeys.ts';
import { leases } from '../src/services/lease.ts';

describe('the sweeper lease', () => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await testDatabase());
  });
  afterAll(async () => {
    await close?.();
  });

  it('lets one of many processes hold a period, and another take over the next period when the holder is gone', async () => {
    const period = 30_000;
    const now = Math.floor(Date.now() / period) * period + 1_000;
    // Five API processes tick at once (each with its own connection pool in real life: here, five handles).
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((holder) => leases(db).claim('sweep', period, holder, now)),
    );
    const holders = claims.filter((until) => until !== null);
    expect(holders).toEqual([now - 1_000 + period]);
    // Same period, later tick: still held.
    expect(await leases(db).claim('sweep', period, 'f', now + 10_000)).toBeNull();
    // The holder died; the next period is free for whoever ticks first.
    expect(await leases(db).claim('sweep', period, 'b', now + period)).toBe(now - 1_000 + 2 * period);
    const docs = await db.collection(COLLECTIONS.leases).find({ name: 'sweep' }).toArray();
    expect(docs.map((d) => d.holder)).toHaveLength(2);
  });

  it('a sweep whose lease has lapsed takes no more events', async () => {
    const journeys = journeyService(db);
    // Routing is never reached here, so no Temporal client is needed.
    const ingestion = ingestionService(db, journeys, enrollmentService(db, journeys, {} as TemporalTarget));
    const receivedAt = new Date(Date.now() - 60_000).toISOString();
    await db.collection(COLLECTIONS.pendingRoutes).insertOne({ _id: 'late-1' as never, receivedAt });
    expect(await ingestion.sweepUnrouted(30_000, Date.now() - 1)).toBe(0);
    expect(await db.collection(COLLECTIONS.pendingRoutes).countDocuments({ _id: 'late-1' as never })).toBe(1);
  });

  it('keeps only recent lease documents', async () => {
    const period = 1_000;
    for (let i = 0; i < 30; i++) await leases(db).claim('tidy', period, 'a', i * period);
    const left = await db.collection(COLLECTIONS.leases).countDocuments({ name: 'tidy' });
    expect(left).toBeLessThanOrEqual(21);
  });
});
