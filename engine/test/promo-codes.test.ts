import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { claimPromoCode } from '../../workers/src/activities/send/promo.ts';

describe('API: promo-code pools', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  const upload = (
    poolId: string,
    payload: string,
    contentType: string,
    role: 'admin' | 'support' = 'admin',
  ) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/promo-pools/${poolId}/codes`,
      payload,
      headers: { authorization: `Bearer ${h.keys[role]}`, 'content-type': contentType },
    });

  it('creates list and pattern pools, refusing bad input with the field named', async () => {
    const list = await h.call(
      'POST',
      '/v1/promo-pools',
      { id: 'spring', name: 'Spring', kind: 'list' },
      'marketer',
    );
    expect(list).toMatchObject({
      status: 201,
      body: { id: 'spring', kind: 'list', total: 0, assigned: 0, remaining: 0, exhaustedAt: null },
    });
    const pattern = await h.call('POST', '/v1/promo-pools', {
      id: 'welcome10',
      name: 'Welcome 10%',
      kind: 'pattern',
      pattern: 'WELCOME-{X:6}',
    });
    expect(pattern).toMatchObject({
      status: 201,
      body: { id: 'welcome10', kind: 'pattern', pattern: 'WELCOME-{X:6}' },
    });

    const again = await h.call('POST', '/v1/promo-pools', { id: 'spring', name: 'Again', kind: 'list' });
    expect(again).toMatchObject({ status: 409, body: { field: 'id' } });
    const badId = await h.call('POST', '/v1/promo-pools', { id: 'Has Spaces', name: 'x', kind: 'list' });
    expect(badId).toMatchObject({ status: 400, body: { field: 'id' } });
    const badKind = await h.call('POST', '/v1/promo-pools', { id: 'k', name: 'x', kind: 'random' });
    expect(badKind).toMatchObject({ status: 400, body: { field: 'kind' } });
    const noPattern = await h.call('POST', '/v1/promo-pools', { id: 'p1', name: 'x', kind: 'pattern' });
    expect(noPattern).toMatchObject({ status: 400, body: { field: 'pattern' } });
    const tooFew = await h.call('POST', '/v1/promo-pools', {
      id: 'p2',
      name: 'x',
      kind: 'pattern',
      pattern: 'A-{X:3}',
    });
    expect(tooFew).toMatchObject({ status: 400, body: { field: 'pattern' } });
    expect(tooFew.body.message).toMatch(/1,000,000/);
    const badChars = await h.call('POST', '/v1/promo-pools', {
      id: 'p3',
      name: 'x',
      kind: 'pattern',
      pattern: 'A B{X:8}',
    });
    expect(badChars).toMatchObject({ status: 400, body: { field: 'pattern' } });
    const listWithPattern = await h.call('POST', '/v1/promo-pools', {
      id: 'p4',
      name: 'x',
      kind: 'list',
      pattern: '{X:8}',
    });
    expect(listWithPattern).toMatchObject({ status: 400, body: { field: 'pattern' } });
    expect((await h.call('GET', '/v1/promo-pools/p2')).status).toBe(404);
  });

  it('uploads CSV (header, blank lines, columns, duplicates) and JSON codes', async () => {
    const csv = 'code,description\r\n SPRING-001 ,first\n\nSPRING-002\n"SPRING-003",quoted\nSPRING-001\n  \n';
    const first = await upload('spring', csv, 'text/csv');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ added: 3, duplicates: 1 });
    const headerless = await upload('spring', 'SPRING-004\nSPRING-002\n', 'text/csv; charset=utf-8');
    expect(headerless.json()).toEqual({ added: 1, duplicates: 1 });
    const json = await h.call('POST', '/v1/promo-pools/spring/codes', {
      codes: ['SPRING-005', 'SPRING-004'],
    });
    expect(json).toEqual({ status: 200, body: { added: 1, duplicates: 1 } });
    const pool = await h.call('GET', '/v1/promo-pools/spring');
    expect(pool.body).toMatchObject({ total: 5, assigned: 0, remaining: 5, exhaustedAt: null });
  });

  it('rejects bad uploads with 4xx naming the field', async () => {
    const badJson = await h.call('POST', '/v1/promo-pools/spring/codes', { codes: ['OK-1', 'not ok'] });
    expect(badJson).toMatchObject({ status: 400, body: { field: 'codes.1' } });
    const badCsvChars = await upload('spring', 'GOOD-3\nBAD*CODE\n', 'text/csv');
    expect(badCsvChars.statusCode).toBe(400);
    expect(badCsvChars.json()).toMatchObject({ field: 'codes.1' });
    expect(badCsvChars.json().message).toMatch(/line 2/);
    const badFirst = await upload('spring', 'BAD*1\nGOOD-4\n', 'text/csv');
    expect(badFirst.json()).toMatchObject({ field: 'codes.0', message: expect.stringMatching(/line 1/) });
    const titled = await upload('spring', 'Discount Code,Note\nSPRING-006,x\n', 'text/csv');
    expect(titled.json()).toEqual({ added: 1, duplicates: 0 });
    const empty = await upload('spring', 'code\n\n', 'text/csv');
    expect(empty.json()).toMatchObject({ field: 'codes' });
    expect(empty.statusCode).toBe(400);
    const missingCodes = await h.call('POST', '/v1/promo-pools/spring/codes', { list: ['X'] });
    expect(missingCodes).toMatchObject({ status: 400, body: { field: 'codes' } });
    const unknown = await h.call('POST', '/v1/promo-pools/ghost/codes', { codes: ['A'] });
    expect(unknown).toMatchObject({ status: 404, body: { field: 'id' } });
    const pattern = await h.call('POST', '/v1/promo-pools/welcome10/codes', { codes: ['A'] });
    expect(pattern.status).toBe(409);
    const xml = await upload('spring', '<codes/>', 'application/xml');
    expect(xml.statusCode).toBe(415);
  });

  it('lists pools with counts after claims, and marks a list pool exhausted', async () => {
    await h.call('POST', '/v1/promo-pools', { id: 'tiny', name: 'Tiny', kind: 'list' });
    await upload('tiny', 'T1\nT2\nT3\n', 'text/csv');
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((c) =>
        claimPromoCode(h.db, { poolId: 'tiny', idempotencyKey: `k-${c}`, customerId: c }),
      ),
    );
    expect(claims.filter((r) => 'code' in r)).toHaveLength(3);
    for (const c of ['x', 'y'])
      await claimPromoCode(h.db, { poolId: 'welcome10', idempotencyKey: `w-${c}`, customerId: c });
    await claimPromoCode(h.db, { poolId: 'spring', idempotencyKey: 's-1', customerId: 'z' });

    const list = await h.call('GET', '/v1/promo-pools', undefined, 'support');
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.map((p: { id: string }) => [p.id, p]));
    expect(byId.tiny).toMatchObject({ total: 3, assigned: 3, remaining: 0, exhaustedAt: expect.any(String) });
    expect(byId.spring).toMatchObject({
      kind: 'list',
      assigned: 1,
      remaining: byId.spring.total - 1,
      exhaustedAt: null,
    });
    expect(byId.welcome10).toMatchObject({ kind: 'pattern', total: null, assigned: 2, remaining: null });

    // New codes revive an exhausted pool.
    expect((await upload('tiny', 'T4\n', 'text/csv')).json()).toEqual({ added: 1, duplicates: 0 });
    expect((await h.call('GET', '/v1/promo-pools/tiny')).body).toMatchObject({
      total: 4,
      remaining: 1,
      exhaustedAt: null,
    });
  });

  it('lets support read but not write, and keeps ingest keys out', async () => {
    expect((await h.call('GET', '/v1/promo-pools/spring', undefined, 'support')).status).toBe(200);
    expect(
      (await h.call('POST', '/v1/promo-pools', { id: 's2', name: 'x', kind: 'list' }, 'support')).status,
    ).toBe(403);
    expect((await upload('spring', 'S-9\n', 'text/csv', 'support')).statusCode).toBe(403);
    expect((await h.call('GET', '/v1/promo-pools', undefined, 'ingest')).status).toBe(403);
    const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/promo-pools', '/v1/promo-pools/{id}', '/v1/promo-pools/{id}/codes']),
    );
  });
});
