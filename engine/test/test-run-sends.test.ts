import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { leftovers, testRunHarness } from '../../test/support/test-runs.ts';

/** joined -> email with a promo code -> a second email (capped) -> an SMS the customer opted out of. */
const offerJourney = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'joined', reentry: 'once' } },
    {
      id: 'offer',
      type: 'send',
      config: { channel: 'email', subject: 'For you', body: 'Your code {{ promo_code }}', promoPool: 'vip' },
    },
    { id: 'again', type: 'send', config: { channel: 'email', subject: 'Again', body: 'Hi', onCap: 'skip' } },
    { id: 'text', type: 'send', config: { channel: 'sms', body: 'Hi by SMS' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->offer', 'offer->again', 'again->text', 'text->end'],
);

describe('test runs apply the send decision without sending or keeping anything', () => {
  let h: Harness;
  let journeyId: string;

  beforeAll(async () => {
    h = await testRunHarness();
    const ok = (r: { status: number; body: unknown }) =>
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    ok(
      await h.call('PUT', '/v1/settings/delivery', {
        quietHours: null,
        frequencyCaps: [{ channel: 'email', max: 1, windowHours: 24 }],
      }),
    );
    ok(await h.call('POST', '/v1/promo-pools', { id: 'vip', name: 'VIP', kind: 'list' }));
    ok(await h.call('POST', '/v1/promo-pools/vip/codes', { codes: ['VIP-1'] }));
    await h.identify('bob', { email: 'bob@example.com', phone: '+15550142' });
    ok(await h.call('PUT', '/v1/customers/bob/subscriptions', { channels: { sms: false } }));
    journeyId = await h.publish(offerJourney, 'Offer');
  });
  afterAll(async () => {
    await h?.close();
  });

  const run = async () => {
    const response = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      customerId: 'bob',
      scenario: { steps: [] },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.messages as Record<string, string>[];
  };

  it('renders the reserved promo code, honours the frequency cap and the opt-out', async () => {
    const [offer, again, text] = await run();
    expect([offer!.nodeId, offer!.status, offer!.promoCode]).toEqual(['offer', 'sent', 'VIP-1']);
    expect(offer!.body).toContain('Your code VIP-1');
    expect([again!.nodeId, again!.status]).toEqual(['again', 'skipped']);
    expect(again!.detail).toContain('frequency cap');
    expect([text!.nodeId, text!.status]).toEqual(['text', 'skipped']);
    expect(text!.detail).toContain('unreachable');
  });

  it('releases the promo code and keeps no cap slot, so the next run gets the same code', async () => {
    const [offer] = await run();
    expect(offer!.promoCode).toBe('VIP-1');
    const counts = await leftovers(h, 'bob');
    expect(
      Object.values(counts).every((n) => n === 0),
      JSON.stringify(counts),
    ).toBe(true);
    const pool = await h.db.collection(COLLECTIONS.promoPools).findOne({ _id: 'vip' as never });
    expect(pool?.exhaustedAt ?? null).toBeNull();
  });
});
