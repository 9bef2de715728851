import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';

describe("a segment's size over time", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts members per day from recorded entries and exits, starting from those before the range', async () => {
    expect(
      (await h.call('POST', '/v1/segments', { id: 'sized', name: 'Sized', kind: 'manual' })).status,
    ).toBe(201);
    const change = (customerId: string, kind: 'entered' | 'exited', at: string) => ({
      _id: `sized:${customerId}:${kind}:${at}`,
      segmentId: 'sized',
      customerId,
      kind,
      at,
      reason: 'seeded history',
    });
    await h.db.collection(COLLECTIONS.segmentChanges).insertMany([
      change('a', 'entered', '2026-03-01T10:00:00.000Z'), // before the range
      change('b', 'entered', '2026-03-01T11:00:00.000Z'), // before the range
      change('b', 'exited', '2026-03-02T09:00:00.000Z'), // before the range
      change('c', 'entered', '2026-03-03T08:00:00.000Z'),
      change('d', 'entered', '2026-03-03T23:59:59.999Z'),
      change('a', 'exited', '2026-03-05T00:00:00.000Z'),
      change('e', 'entered', '2026-03-06T00:00:00.000Z'), // at `to`: outside
    ] as never[]);
    const res = await h.call(
      'GET',
      '/v1/segments/sized/sizes?from=2026-03-03T05:00:00.000Z&to=2026-03-06T00:00:00.000Z',
    );
    expect(res.status).toBe(200);
    expect(res.body.bucket).toBe('day');
    expect(res.body.points).toEqual([
      { at: '2026-03-03T00:00:00.000Z', size: 3, entered: 2, exited: 0 },
      { at: '2026-03-04T00:00:00.000Z', size: 3, entered: 0, exited: 0 },
      { at: '2026-03-05T00:00:00.000Z', size: 2, entered: 0, exited: 1 },
    ]);
    const hourly = await h.call(
      'GET',
      '/v1/segments/sized/sizes?bucket=hour&from=2026-03-03T07:30:00.000Z&to=2026-03-03T10:00:00.000Z',
    );
    expect(hourly.body.points.map((p: { size: number }) => p.size)).toEqual([1, 2, 2]);
  });

  it('reports the live membership the API changes', async () => {
    await h.call('POST', '/v1/segments', { id: 'live-size', name: 'Live size', kind: 'manual' });
    await h.call('POST', '/v1/segments/live-size/members', { add: ['x', 'y', 'z'] });
    await h.call('POST', '/v1/segments/live-size/members', { remove: ['y'] });
    const res = await h.call('GET', '/v1/segments/live-size/sizes?bucket=hour');
    expect(res.status).toBe(200);
    expect(res.body.current).toBe(2);
    expect(res.body.points.at(-1)).toMatchObject({ size: 2, entered: 3, exited: 1 });
    // 30 days of hours, plus the partial hour the start is rounded down into.
    expect([720, 721]).toContain(res.body.points.length);
  });

  it('refuses unknown query keys, reversed and oversized ranges, and unknown segments', async () => {
    const unknown = await h.call('GET', '/v1/segments/sized/sizes?days=3');
    expect(unknown.status).toBe(400);
    expect(isErrorShape(unknown.body)).toBe(true);
    const reversed = await h.call(
      'GET',
      '/v1/segments/sized/sizes?from=2026-03-05T00:00:00.000Z&to=2026-03-01T00:00:00.000Z',
    );
    expect([reversed.status, reversed.body.field]).toEqual([400, 'from']);
    const huge = await h.call('GET', '/v1/segments/sized/sizes?bucket=hour&from=2025-01-01T00:00:00.000Z');
    expect([huge.status, huge.body.field]).toEqual([400, 'from']);
    expect((await h.call('GET', '/v1/segments/nope/sizes')).status).toBe(404);
  });
});
