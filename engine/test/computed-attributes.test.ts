import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

describe('API: computed attributes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  const define = (name: string, body: unknown, role: 'admin' | 'support' = 'admin') =>
    h.call('PUT', `/v1/computed-attributes/${name}`, body, role);
  const computedOf = async (customerId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/computed`)).body as Record<string, unknown>;
  const backfilled = (name: string) =>
    eventually(async () => {
      const { body } = await h.call('GET', `/v1/computed-attributes/${name}`);
      return body.backfill?.status === 'done' && body;
    }, 60_000);

  it('refuses bad definitions, naming the field', async () => {
    expect(await define('total', { kind: 'sum', event: 'purchased' })).toMatchObject({
      status: 400,
      body: { field: 'property' },
    });
    expect(await define('orders', { kind: 'count', event: 'purchased', property: 'amount' })).toMatchObject({
      status: 400,
      body: { field: 'property' },
    });
    expect((await define('Bad-Name', { kind: 'count', event: 'purchased' })).status).toBe(400);
    expect(await define('orders', { kind: 'median', event: 'purchased' })).toMatchObject({
      status: 400,
      body: { field: 'kind' },
    });
    expect(await define('orders', { kind: 'count', event: 'purchased', extra: 1 })).toMatchObject({
      status: 400,
      body: { field: 'extra' },
    });
    expect((await define('orders', { kind: 'count', event: 'purchased' }, 'support')).status).toBe(403);
    expect((await h.call('GET', '/v1/computed-attributes/nothing_here')).status).toBe(404);
  });

  it('keeps every kind current on each event, and shows the values on the customer', async () => {
    const definitions = {
      orders_count: { kind: 'count', event: 'purchased' },
      total_spent: { kind: 'sum', event: 'purchased', property: 'amount' },
      avg_order: { kind: 'avg', event: 'purchased', property: 'amount' },
      smallest_order: { kind: 'min', event: 'purchased', property: 'amount' },
      largest_order: { kind: 'max', event: 'purchased', property: 'amount' },
      first_purchase_at: { kind: 'first_at', event: 'purchased' },
      last_purchase_at: { kind: 'last_at', event: 'purchased' },
      favourite_category: { kind: 'most_frequent', event: 'purchased', property: 'category' },
      eur_orders: {
        kind: 'count',
        event: 'purchased',
        where: [{ path: 'currency', op: 'eq', value: 'EUR' }],
      },
    };
    for (const [name, body] of Object.entries(definitions))
      expect((await define(name, body)).status).toBe(200);
    for (const name of Object.keys(definitions)) await backfilled(name);

    const purchases = [
      { amount: 10.1, category: 'books', currency: 'EUR', at: '2026-01-02T10:00:00.000Z' },
      { amount: 20.2, category: 'games', currency: 'USD', at: '2026-01-01T10:00:00.000Z' },
      { amount: '5', category: 'books', currency: 'EUR', at: '2026-01-03T10:00:00.000Z' },
    ];
    for (const [i, p] of purchases.entries()) {
      const res = await h.call('POST', '/v1/track', {
        userId: 'ada',
        event: 'purchased',
        messageId: `ada-${i}`,
        timestamp: p.at,
        properties: { amount: p.amount, category: p.category, currency: p.currency },
      });
      expect(res.status).toBeLessThan(300);
    }
    await h.track('ada', 'viewed', { amount: 1000 });
    expect(await computedOf('ada')).toEqual({
      orders_count: 3,
      total_spent: 35.3,
      avg_order: 11.7666666666667,
      smallest_order: 5,
      largest_order: 20.2,
      first_purchase_at: '2026-01-01T10:00:00.000Z',
      last_purchase_at: '2026-01-03T10:00:00.000Z',
      favourite_category: 'books',
      eur_orders: 2,
    });
    const customer = await h.call('GET', '/v1/customers/ada');
    expect(customer.body.computed).toMatchObject({ orders_count: 3, total_spent: 35.3 });
  });

  it('loses no update when one customer sends many events at once', async () => {
    await define('burst_count', { kind: 'count', event: 'burst' });
    await define('burst_total', { kind: 'sum', event: 'burst', property: 'n' });
    await backfilled('burst_count');
    await backfilled('burst_total');
    await Promise.all(Array.from({ length: 25 }, (_, i) => h.track('bea', 'burst', { n: i + 1 })));
    expect(await computedOf('bea')).toMatchObject({ burst_count: 25, burst_total: 325 });
  });

  it('backfills a new attribute over customers who already had events, showing progress', async () => {
    for (const id of ['c1', 'c2', 'c3']) {
      await h.track(id, 'signed_in', { device: 'ios' });
      await h.track(id, 'signed_in', { device: id === 'c3' ? 'web' : 'ios' });
    }
    const created = await define('sign_ins', { kind: 'count', event: 'signed_in' });
    expect(created.body.backfill).toMatchObject({ status: 'computing' });
    const view = await backfilled('sign_ins');
    expect(view.backfill).toMatchObject({ status: 'done', processed: 3, total: 3 });
    expect(await computedOf('c1')).toMatchObject({ sign_ins: 2 });

    // Replacing the definition recomputes it under the new rule.
    await define('sign_ins', { kind: 'most_frequent', event: 'signed_in', property: 'device' });
    await backfilled('sign_ins');
    expect(await computedOf('c3')).toMatchObject({ sign_ins: 'ios' });

    expect((await h.call('DELETE', '/v1/computed-attributes/sign_ins')).status).toBe(200);
    expect(await computedOf('c3')).not.toHaveProperty('sign_ins');
  });

  it('is read by conditions as computed.<name> and by templates as {{ computed.<name> }}', async () => {
    await define('checkout_spend', { kind: 'sum', event: 'checkout_paid', property: 'amount' });
    await define('checkout_count', { kind: 'count', event: 'checkout_paid' });
    await backfilled('checkout_spend');
    await backfilled('checkout_count');
    const journey = graph(
      [
        {
          id: 'start',
          type: 'trigger',
          config: { kind: 'event', event: 'asked_offer', reentry: 'concurrent' },
        },
        {
          id: 'loyal',
          type: 'condition',
          config: {
            combinator: 'and',
            rules: [{ kind: 'attribute', path: 'computed.checkout_count', op: 'gte', value: 2 }],
          },
        },
        {
          id: 'send',
          type: 'send',
          config: { channel: 'email', to: 'x@example.com', body: 'You spent {{ computed.checkout_spend }}' },
        },
        { id: 'end', type: 'exit', config: {} },
      ],
      ['start->loyal', 'loyal:yes->send', 'loyal:no->end', 'send->end'],
    );
    await h.publish(journey);
    await h.track('cid', 'checkout_paid', { amount: 40 });
    await h.track('cid', 'asked_offer');
    const [first] = await h.stepsWhenEnded('cid', 'loyal');
    expect(first.outcome).toBe('no');
    await h.track('cid', 'checkout_paid', { amount: 2.5 });
    await h.track('cid', 'asked_offer');
    const decisions = await h.stepsWhenEnded('cid', 'loyal');
    expect(decisions.map((step) => step.outcome).sort()).toEqual(['no', 'yes']);
    const messages = await h.messages<{ body: string }>('cid');
    expect(messages.map((m) => m.body.split('<img')[0])).toEqual(['You spent 42.5']);
  });

  it('resumes a backfill whose process died, from the sweeper', async () => {
    await h.track('r1', 'renewed', { months: 12 });
    await h.track('r1', 'renewed', { months: 1 });
    const view = await define('months_renewed', { kind: 'sum', event: 'renewed', property: 'months' });
    await backfilled('months_renewed');
    // What a process that died mid-backfill leaves behind: no values, progress stuck at "computing".
    await h.db.collection(COLLECTIONS.computedValues).deleteMany({ revision: view.body.revision });
    await h.db
      .collection(COLLECTIONS.computedBackfills)
      .updateOne(
        { _id: view.body.revision },
        { $set: { status: 'computing', processed: 0, updatedAt: '2020-01-01T00:00:00.000Z' } },
      );
    expect(await computedOf('r1')).not.toHaveProperty('months_renewed');
    expect(await h.app.services.ingestion.computed.resumeStaleBackfills()).toBe(1);
    await backfilled('months_renewed');
    expect(await computedOf('r1')).toMatchObject({ months_renewed: 13 });
    expect(await h.app.services.ingestion.computed.resumeStaleBackfills()).toBe(0);
  });
});
