import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECENT_SLOTS, recentCustomers } from '../src/services/recent-customers.ts';
import { type ApiHarness, apiHarness } from './support/api.ts';

describe('recently active customers', () => {
  let h: ApiHarness;
  const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  const listed = async (limit: number) =>
    ((await h.call('GET', `/v1/customers?limit=${limit}`)).body as { customerId: string }[]).map(
      (c) => c.customerId,
    );

  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the later change of a slot whatever order the writers finish in, in a bounded set of slots', async () => {
    const recent = recentCustomers(h.db);
    const slots = h.db.collection(COLLECTIONS.recentCustomers);
    // 300 customers touched concurrently: racing first writes of a slot meet at its `_id` and are settled
    await Promise.all(Array.from({ length: 300 }, (_, i) => recent.touch(`svc-${i}`, at(i))));
    expect(await slots.countDocuments()).toBeLessThanOrEqual(RECENT_SLOTS);
    expect((await recent.latest(1))[0]).toBe('svc-299');
    await recent.touch('svc-late', at(500));
    await recent.touch('svc-later', at(600));
    await recent.touch('svc-late', at(400)); // an older change arriving last
    expect(await recent.latest(2)).toEqual(['svc-later', 'svc-late']);
    await slots.deleteMany({});
  });

  it('lists the customers whose profiles changed last, newest first, and forgets an erased one', async () => {
    for (const userId of ['rc-ada', 'rc-bob', 'rc-cy']) {
      expect((await h.call('POST', '/v1/identify', { userId, traits: { plan: 'free' } })).status).toBe(200);
    }
    expect((await h.call('POST', '/v1/track', { userId: 'rc-dee', event: 'visit' })).status).toBe(200);
    expect(await listed(3)).toEqual(['rc-dee', 'rc-cy', 'rc-bob']);
    await h.call('POST', '/v1/identify', { userId: 'rc-ada', traits: { plan: 'pro' } });
    expect(await listed(2)).toEqual(['rc-ada', 'rc-dee']);
    // a track of a known customer changes nothing in its profile, so it does not move it
    await h.call('POST', '/v1/track', { userId: 'rc-bob', event: 'visit' });
    expect(await listed(1)).toEqual(['rc-ada']);

    expect((await h.call('DELETE', '/v1/customers/rc-ada')).status).toBeLessThan(300);
    expect(await h.db.collection(COLLECTIONS.recentCustomers).countDocuments({ customerId: 'rc-ada' })).toBe(
      0,
    );
    expect(await listed(2)).toEqual(['rc-dee', 'rc-cy']);
  });

  it('falls back to sorting the profiles when the slots name fewer customers than asked', async () => {
    // a profile written before the slots existed (an older store) still appears
    await h.db
      .collection(COLLECTIONS.profiles)
      .insertOne({ _id: 'rc-old' as never, traits: {}, createdAt: at(0), updatedAt: at(0) });
    const all = await listed(100);
    expect(all.slice(0, 3)).toEqual(['rc-dee', 'rc-cy', 'rc-bob']);
    expect(all.at(-1)).toBe('rc-old');
  });
});
