import { randomUUID } from 'node:crypto';
import { COLLECTIONS, segmentClockId } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

/** Every document in every collection of the test's database, as text. */
async function everythingStored(h: Harness): Promise<string> {
  const collections = await h.db.listCollections().toArray();
  const docs = await Promise.all(collections.map((c) => h.db.collection(c.name).find({}).toArray()));
  return JSON.stringify(docs);
}

describe('customer erasure and export', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  it('exports everything held, then erases it all, ends the workflow and refuses later events', async () => {
    const customerId = `erase-${randomUUID()}`;
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          {
            id: 'hello',
            type: 'send',
            config: { channel: 'email', subject: 'Hi', body: 'Hello {{ customer_id }}' },
          },
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->hello', 'hello->wait', 'wait->end'],
      ),
    );
    // A time-relative segment gives the customer a membership, its record, clock marks and a clock workflow.
    const segmentId = `recent-signups-${randomUUID().slice(0, 8)}`;
    const rules = { kind: 'performed', event: 'signed_up', withinDays: 30 };
    expect(
      (await h.call('POST', '/v1/segments', { id: segmentId, name: 'Recent sign-ups', rules })).status,
    ).toBe(201);
    const anonymousId = `anon-${randomUUID()}`;
    await h.call('POST', '/v1/track', { anonymousId, event: 'viewed_pricing' }, 'ingest');
    const merged = await h.call('POST', '/v1/identify', { userId: customerId, anonymousId }, 'ingest');
    expect(merged.status).toBe(200);
    await h.identify(customerId, { email: `${customerId}@example.com`, plan: 'pro' });
    await h.track(customerId, 'signed_up', { source: 'ads' });
    await h.call('PUT', `/v1/customers/${customerId}/subscriptions`, { topics: { news: false } });
    const waiting = await eventually(async () => {
      const { body } = await h.call('GET', `/v1/customers/${customerId}/messages`);
      return body.length > 0;
    });
    expect(waiting).toBe(true);
    const [enrollment] = (await h.call('GET', `/v1/customers/${customerId}/enrollments`)).body;
    expect(enrollment.status).toBe('active');
    const marked = await eventually(
      async () => (await h.db.collection(COLLECTIONS.segmentTimerMarks).countDocuments({ customerId })) > 0,
    );
    expect(marked).toBe(true);

    const exported = await h.call('GET', `/v1/customers/${customerId}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      customerId,
      profile: { traits: { plan: 'pro' } },
      events: expect.arrayContaining([expect.objectContaining({ event: 'signed_up' })]),
      enrollments: [expect.objectContaining({ id: enrollment.id })],
      subscriptions: { topics: { news: false } },
      aliases: [anonymousId],
      segments: [expect.objectContaining({ segmentId })],
      segmentChanges: [expect.objectContaining({ segmentId, kind: 'entered' })],
    });
    expect(exported.body.messages.length).toBeGreaterThan(0);
    // The welcome email carries a signed unsubscribe link, which answers until the erasure.
    const unsubscribe = JSON.stringify(exported.body.messages).match(/\/u\/[\w.-]+/)?.[0];
    expect(unsubscribe).toBeDefined();
    const openLink = () => h.app.inject({ method: 'GET', url: unsubscribe! });
    expect((await openLink()).statusCode).toBe(200);
    expect(exported.body.steps.length).toBeGreaterThan(0);
    expect(await everythingStored(h)).toContain(customerId);

    expect((await h.call('DELETE', `/v1/customers/${customerId}`, undefined, 'marketer')).status).toBe(403);
    const erased = await h.call('DELETE', `/v1/customers/${customerId}`, undefined, 'support');
    expect(erased).toMatchObject({ status: 200, body: { erased: true } });
    expect(await everythingStored(h)).not.toContain(customerId);
    expect(await everythingStored(h)).not.toContain(anonymousId);
    const { client } = await import('../../test/support/servers.ts').then((m) => m.devServerClient());
    const described = await client.workflow.getHandle(enrollment.id).describe();
    expect(described.status.name).toBe('TERMINATED');
    const clock = await client.workflow.getHandle(segmentClockId(customerId)).describe();
    expect(clock.status.name).toBe('TERMINATED');
    await client.connection.close();
    expect((await h.call('GET', `/v1/customers/${customerId}/export`)).status).toBe(404);
    const stale = await openLink();
    expect(stale.statusCode).toBe(404);
    expect(stale.body).toContain('This link is no longer valid');

    const refused = await h.call('POST', '/v1/track', { userId: customerId, event: 'came_back' }, 'ingest');
    expect(refused).toMatchObject({ status: 409, body: { field: 'userId' } });
    const batch = await h.call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: customerId, event: 'came_back' },
          { type: 'track', userId: 'someone-else', event: 'came_back' },
        ],
      },
      'ingest',
    );
    expect(batch).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await everythingStored(h)).not.toContain(customerId);
    expect((await h.call('DELETE', `/v1/customers/${customerId}`)).status).toBe(200);

    const recreated = await h.call(
      'POST',
      '/v1/identify?recreate=true',
      { userId: customerId, traits: { plan: 'free' } },
      'ingest',
    );
    expect(recreated.status).toBe(200);
    expect((await h.call('GET', `/v1/customers/${customerId}`)).body.traits).toEqual({ plan: 'free' });
  });
});
