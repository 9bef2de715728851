import { COLLECTIONS, type PromoPoolDoc } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/servers.ts';
import { claimPromoCode } from '../src/activities/send/promo.ts';

describe('promo codes: claiming', () => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await testDatabase());
  });
  afterAll(async () => close?.());

  const createPool = async (id: string, kind: 'list' | 'pattern', pattern?: string) => {
    await db.collection<PromoPoolDoc>(COLLECTIONS.promoPools).insertOne({
      _id: id,
      name: id,
      kind,
      ...(pattern ? { pattern } : {}),
      createdAt: new Date().toISOString(),
      exhaustedAt: null,
    });
  };
  const addCodes = async (poolId: string, codes: string[]) => {
    const addedAt = new Date().toISOString();
    await db
      .collection(COLLECTIONS.promoCodes)
      .insertMany(codes.map((code) => ({ _id: `${poolId}:${code}` as never, poolId, code, addedAt })));
  };
  const pool = (id: string) => db.collection<PromoPoolDoc>(COLLECTIONS.promoPools).findOne({ _id: id });

  it('hands 40 codes to 50 concurrent claims exactly once each, then reports the pool exhausted', async () => {
    const codes = Array.from({ length: 40 }, (_, i) => `LIST${String(i).padStart(3, '0')}`);
    await createPool('list40', 'list');
    await addCodes('list40', codes);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        claimPromoCode(db, { poolId: 'list40', idempotencyKey: `enr-${i}:send:1`, customerId: `c${i}` }),
      ),
    );
    const given = results.flatMap((r) => ('code' in r ? [r.code] : []));
    expect(given).toHaveLength(40);
    expect(new Set(given).size).toBe(40);
    expect([...given].sort()).toEqual(codes);
    expect(results.filter((r) => 'exhausted' in r)).toHaveLength(10);
    expect((await pool('list40'))?.exhaustedAt).toEqual(expect.any(String));

    // Every assignment names its customer, and a retry of an earlier key still gets its code.
    const assignments = await db
      .collection(COLLECTIONS.promoAssignments)
      .find({ poolId: 'list40', kind: 'assignment' })
      .toArray();
    expect(assignments).toHaveLength(40);
    const first = results.findIndex((r) => 'code' in r);
    const again = await claimPromoCode(db, {
      poolId: 'list40',
      idempotencyKey: `enr-${first}:send:1`,
      customerId: `c${first}`,
    });
    expect(again).toEqual(results[first]);
    expect(
      await claimPromoCode(db, { poolId: 'list40', idempotencyKey: 'late:send:1', customerId: 'late' }),
    ).toEqual({ exhausted: true });
  });

  it('gives the same code to the same idempotency key, also when called concurrently', async () => {
    await createPool('list-idem', 'list');
    await addCodes(
      'list-idem',
      Array.from({ length: 20 }, (_, i) => `IDEM${i}`),
    );
    const key = { poolId: 'list-idem', idempotencyKey: 'enr-x:send:1', customerId: 'x' };
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => claimPromoCode(db, key)));
    expect(new Set(concurrent.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(concurrent[0]).toEqual({ code: expect.stringMatching(/^IDEM\d+$/) });
    const sequential = await claimPromoCode(db, key);
    expect(sequential).toEqual(concurrent[0]);
    // Only one code left the pool for that key: no leaked claims in one process.
    const claims = await db
      .collection(COLLECTIONS.promoAssignments)
      .countDocuments({ poolId: 'list-idem', kind: 'claim' });
    expect(claims).toBe(1);

    await createPool('pattern-idem', 'pattern', 'P-{X:6}');
    const patternKey = { poolId: 'pattern-idem', idempotencyKey: 'enr-y:send:1', customerId: 'y' };
    const both = await Promise.all([claimPromoCode(db, patternKey), claimPromoCode(db, patternKey)]);
    expect(both[0]).toEqual(both[1]);
    expect(await claimPromoCode(db, patternKey)).toEqual(both[0]);
  });

  it('generates distinct codes matching the pattern for a pattern pool', async () => {
    await createPool('welcome', 'pattern', 'WELCOME-{X:6}');
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        claimPromoCode(db, { poolId: 'welcome', idempotencyKey: `enr-${i}:promo:1`, customerId: `c${i}` }),
      ),
    );
    const codes = results.map((r) => ('code' in r ? r.code : JSON.stringify(r)));
    for (const code of codes) expect(code).toMatch(/^WELCOME-[A-HJ-NP-Z2-9]{6}$/);
    expect(new Set(codes).size).toBe(500);
    expect((await pool('welcome'))?.exhaustedAt).toBeNull();
  });

  it('reports a missing pool, and recovers when codes are uploaded after exhaustion', async () => {
    expect(await claimPromoCode(db, { poolId: 'nope', idempotencyKey: 'k:1', customerId: 'c' })).toEqual({
      missingPool: true,
    });

    await createPool('empty', 'list');
    expect(await claimPromoCode(db, { poolId: 'empty', idempotencyKey: 'e:1', customerId: 'c' })).toEqual({
      exhausted: true,
    });
    expect((await pool('empty'))?.exhaustedAt).toEqual(expect.any(String));
    await addCodes('empty', ['LATE1']);
    // A pool found empty is re-checked after a few seconds, not on every claim.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(await claimPromoCode(db, { poolId: 'empty', idempotencyKey: 'e:2', customerId: 'c' })).toEqual({
      code: 'LATE1',
    });
    expect((await pool('empty'))?.exhaustedAt).toBeNull();
  });

  it('skips codes claimed by another process since its cache was filled', async () => {
    await createPool('shared', 'list');
    await addCodes('shared', ['S1', 'S2', 'S3']);
    const first = await claimPromoCode(db, { poolId: 'shared', idempotencyKey: 's:1', customerId: 'a' });
    // Another worker process claims the two codes this process still has cached.
    const rest = ['S1', 'S2', 'S3'].filter((c) => 'code' in first && c !== first.code);
    for (const code of rest) {
      await db.collection(COLLECTIONS.promoAssignments).insertOne({
        _id: `claim:shared:${code}` as never,
        kind: 'claim',
        poolId: 'shared',
        code,
        at: new Date().toISOString(),
      });
    }
    expect(await claimPromoCode(db, { poolId: 'shared', idempotencyKey: 's:2', customerId: 'b' })).toEqual({
      exhausted: true,
    });
  });
});
