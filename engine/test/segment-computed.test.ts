import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/harness.ts';
import { type ApiHarness, apiHarness } from './support/api.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const computed = (attribute: string, op: string, value?: unknown) => ({
  kind: 'computed',
  attribute,
  op,
  value,
});
const recentBuyer = {
  kind: 'computedDate',
  attribute: 'last_purchase_at',
  relation: 'withinLastDays',
  days: 30,
};

/** Segment rules on computed attributes: RFM tiers that follow each purchase as it arrives. */
describe('segments on computed attributes', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
    const definitions = {
      orders_count: { kind: 'count', event: 'purchased' },
      total_spent: { kind: 'sum', event: 'purchased', property: 'amount' },
      last_purchase_at: { kind: 'last_at', event: 'purchased' },
      views_count: { kind: 'count', event: 'viewed' },
    };
    for (const [name, body] of Object.entries(definitions))
      expect((await h.call('PUT', `/v1/computed-attributes/${name}`, body)).status).toBe(200);
    // Each backfill starts after the definition caches expire: from then on every event is counted.
    for (const name of Object.keys(definitions))
      await eventually(async () => {
        const { body } = await h.call('GET', `/v1/computed-attributes/${name}`);
        return body.backfill?.status === 'done';
      }, 60_000);
  });
  afterAll(async () => {
    await h?.close();
  });

  const segment = async (id: string, rules: unknown) => {
    const created = await h.call('POST', '/v1/segments', { id, name: id, rules });
    expect(created.status).toBe(201);
  };
  const purchase = async (userId: string, amount: number, timestamp: string) =>
    expect(
      (
        await h.call(
          'POST',
          '/v1/track',
          { userId, event: 'purchased', properties: { amount }, timestamp },
          'ingest',
        )
      ).status,
    ).toBe(200);
  const tiersOf = async (customerId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/segments`)).body.segments
      .map((s: { segmentId: string }) => s.segmentId)
      .sort();
  const changesOf = async (customerId: string, segmentId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/segments`)).body.changes.filter(
      (c: { segmentId: string }) => c.segmentId === segmentId,
    ) as { kind: string; reason: string }[];

  it('moves a customer between RFM tiers as purchases arrive, with the value in the reason', async () => {
    await segment('rfm-new', computed('orders_count', 'eq', 1));
    await segment('rfm-lapsed', {
      all: [computed('orders_count', 'gte', 1), { ...recentBuyer, relation: 'moreThanDaysAgo', days: 60 }],
    });
    await segment('rfm-big-spender', computed('total_spent', 'gt', 500));
    await segment('rfm-champion', {
      all: [recentBuyer, computed('orders_count', 'gte', 3), computed('total_spent', 'gt', 500)],
    });
    await segment('rfm-loyal', {
      all: [computed('orders_count', 'gte', 2), { not: { kind: 'inSegment', segment: 'rfm-champion' } }],
    });
    // Reads only views_count: purchases never re-evaluate it, so nobody enters it by buying.
    await segment('rfm-no-views', computed('views_count', 'notExists'));
    const stored = await h.db.collection(COLLECTIONS.segments).findOne({ _id: 'rfm-champion' as never });
    expect(stored?.reads).toMatchObject({
      computed: ['last_purchase_at', 'orders_count', 'total_spent'],
      timeRelative: true,
    });

    await purchase('rfm-cal', 100, ago(100));
    expect(await tiersOf('rfm-cal')).toEqual(['rfm-lapsed', 'rfm-new']);
    expect((await changesOf('rfm-cal', 'rfm-new'))[0].reason).toBe('computed.orders_count became 1 = 1');

    await purchase('rfm-cal', 300, ago(5));
    expect(await tiersOf('rfm-cal')).toEqual(['rfm-loyal']);
    expect((await changesOf('rfm-cal', 'rfm-new'))[0]).toEqual(
      expect.objectContaining({ kind: 'exited', reason: 'computed.orders_count is 2, not = 1' }),
    );
    expect((await changesOf('rfm-cal', 'rfm-lapsed'))[0].reason).toMatch(
      /^computed\.last_purchase_at is ".+" \(not more than 60 days ago\)$/,
    );

    await purchase('rfm-cal', 112.4, new Date().toISOString());
    expect(await tiersOf('rfm-cal')).toEqual(['rfm-big-spender', 'rfm-champion']);
    expect((await changesOf('rfm-cal', 'rfm-big-spender'))[0]).toEqual(
      expect.objectContaining({ kind: 'entered', reason: 'computed.total_spent became 512.4 > 500' }),
    );
    expect((await changesOf('rfm-cal', 'rfm-loyal')).map((c) => c.kind)).toEqual(['exited', 'entered']);

    // The champion rule is time-relative: its next check is 30 days after the last purchase.
    const champion = await h.app.services.segments.evaluator.evaluate(
      await h.app.services.segments.definition('rfm-champion'),
      'rfm-cal',
    );
    const [last] = await h.db
      .collection(COLLECTIONS.events)
      .find({ customerId: 'rfm-cal', event: 'purchased' })
      .sort({ timestamp: -1 })
      .limit(1)
      .toArray();
    expect(champion.nextCheckAt).toBe(new Date(Date.parse(last.timestamp) + 30 * DAY).toISOString());
  });

  it('backfills a new segment on computed attributes over customers who already bought', async () => {
    await purchase('rfm-dee', 650, ago(2));
    await purchase('rfm-eve', 20, ago(2));
    await segment('rfm-whales', computed('total_spent', 'gte', 600));
    await eventually(async () => (await h.call('GET', '/v1/segments/rfm-whales')).body.status === 'ready');
    const { body } = await h.call('GET', '/v1/segments/rfm-whales/members');
    expect(body.members.map((m: { customerId: string }) => m.customerId)).toEqual(['rfm-dee']);
  });

  it('recomputes the segments that read an attribute once its redefinition is backfilled', async () => {
    await eventually(
      async () => (await h.call('GET', '/v1/segments/rfm-big-spender')).body.status === 'ready',
    );
    expect(await tiersOf('rfm-cal')).toContain('rfm-big-spender');
    // Only orders over 200 count now: Cal's 512.4 becomes 300, Dee's 650 stays.
    const redefined = await h.call('PUT', '/v1/computed-attributes/total_spent', {
      kind: 'sum',
      event: 'purchased',
      property: 'amount',
      where: [{ path: 'amount', op: 'gt', value: 200 }],
    });
    expect(redefined.status).toBe(200);
    await eventually(async () => !(await tiersOf('rfm-cal')).includes('rfm-big-spender'), 60_000);
    expect((await changesOf('rfm-cal', 'rfm-big-spender'))[0]).toEqual(
      expect.objectContaining({ kind: 'exited', reason: 'computed.total_spent is 300, not > 500' }),
    );
    expect(await tiersOf('rfm-dee')).toContain('rfm-big-spender');
  });

  it('refuses rules on unknown or unsuitable computed attributes, naming the rule path', async () => {
    const unknown = await h.call('POST', '/v1/segments', {
      name: 'Bad',
      rules: { all: [recentBuyer, computed('lifetime_value', 'gt', 1)] },
    });
    expect([unknown.status, unknown.body.field]).toEqual([400, 'rules.all[1].attribute']);
    expect(unknown.body.message).toMatch(/lifetime_value.*does not exist/);
    const notDate = await h.call('POST', '/v1/segments/dry-run', {
      rules: { not: { ...recentBuyer, attribute: 'total_spent' } },
    });
    expect([notDate.status, notDate.body.field]).toEqual([400, 'rules.not.attribute']);
    const noValue = await h.call('POST', '/v1/segments', {
      name: 'Bad',
      rules: computed('total_spent', 'gt'),
    });
    expect([noValue.status, noValue.body.field]).toEqual([400, 'rules.value']);
    // An attribute a segment reads cannot be deleted from under it.
    const removed = await h.call('DELETE', '/v1/computed-attributes/total_spent');
    expect([removed.status, removed.body.message]).toEqual([
      409,
      expect.stringMatching(/rfm-big-spender|rfm-/),
    ]);
  });
});
