import { loadLinkSecret, subscriptionStore, unsubscribeUrl } from '@itinera/nodes/send';
import { COLLECTIONS, CONSENT_CHANGED_EVENT } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

/** A consent change is an event whose routing marker precedes the write: a crash after the write is swept. */
describe('consent changes re-evaluate segments durably', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
    for (const [id, rules] of [
      ['durable-news', { kind: 'subscribed', topic: 'news' }],
      ['durable-mail', { kind: 'reachable', channel: 'email' }],
    ] as const)
      expect((await h.call('POST', '/v1/segments', { id, name: id, rules })).status).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  const changesOf = (customerId: string) =>
    h.db
      .collection<{ segmentId: string; kind: string }>(COLLECTIONS.segmentChanges)
      .find({ customerId })
      .toArray()
      .then((docs) => docs.map((d) => `${d.segmentId}:${d.kind}`).sort());
  const membersOf = (customerId: string) =>
    h.db
      .collection<{ segmentId: string }>(COLLECTIONS.segmentMembers)
      .find({ customerId })
      .toArray()
      .then((docs) => docs.map((d) => d.segmentId).sort());
  const consentEvents = (customerId: string) =>
    h.db.collection(COLLECTIONS.events).find({ customerId, event: CONSENT_CHANGED_EVENT }).toArray();

  it('records the change as an event and re-evaluates in the request, leaving nothing pending', async () => {
    const res = await h.call('PUT', '/v1/customers/dur-ann/subscriptions', { topics: { news: true } });
    expect(res.status).toBe(200);
    expect(await membersOf('dur-ann')).toEqual(['durable-news']);
    const events = await consentEvents('dur-ann');
    expect(events).toHaveLength(1);
    expect(events[0].properties).toEqual({ topics: { news: true } });
    expect(await h.db.collection(COLLECTIONS.pendingRoutes).findOne({ _id: events[0]._id })).toBeNull();
  });

  it('a process dying between the consent write and the re-evaluation leaves work the sweeper finishes once', async () => {
    const { ingestion } = h.app.services;
    await h.call(
      'POST',
      '/v1/identify',
      { userId: 'dur-bob', traits: { email: 'bob@example.com' } },
      'ingest',
    );
    expect(await membersOf('dur-bob')).toEqual(['durable-mail']);

    // The write lands, then the process "dies" before routing: the event and its marker are what is left.
    const died = new Error('process died after the consent write');
    await expect(
      ingestion.acceptWith(
        {
          type: 'track',
          userId: 'dur-bob',
          event: CONSENT_CHANGED_EVENT,
          messageId: 'consent:crash-1',
          properties: { channels: { email: false }, topics: { news: true } },
        },
        async () => {
          await subscriptionStore(h.db).update('dur-bob', {
            channels: { email: false },
            topics: { news: true },
          });
          throw died;
        },
      ),
    ).rejects.toBe(died);
    expect(await membersOf('dur-bob')).toEqual(['durable-mail']);
    expect(
      await h.db.collection(COLLECTIONS.pendingRoutes).findOne({ _id: 'consent:crash-1' as never }),
    ).not.toBeNull();

    // Two API processes' sweeps racing over the same marker: each membership change is recorded once.
    const swept = await Promise.all([ingestion.sweepUnrouted(0), ingestion.sweepUnrouted(0)]);
    expect(swept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await membersOf('dur-bob')).toEqual(['durable-news']);
    expect(await changesOf('dur-bob')).toEqual([
      'durable-mail:entered',
      'durable-mail:exited',
      'durable-news:entered',
    ]);
    expect(
      await h.db.collection(COLLECTIONS.pendingRoutes).findOne({ _id: 'consent:crash-1' as never }),
    ).toBeNull();

    // Nothing is left for a later sweep, and a repeat of it changes nothing.
    await ingestion.sweepUnrouted(0);
    expect(await changesOf('dur-bob')).toEqual([
      'durable-mail:entered',
      'durable-mail:exited',
      'durable-news:entered',
    ]);
    const events = await h.db
      .collection(COLLECTIONS.events)
      .find({ customerId: 'dur-bob', event: { $in: ['segment_entered', 'segment_exited'] } })
      .toArray();
    expect(events.map((e) => `${e.properties.segment}:${e.event}`).sort()).toEqual([
      'durable-mail:segment_entered',
      'durable-mail:segment_exited',
      'durable-news:segment_entered',
    ]);
  });

  it('an unsubscribe link records the consent change next to its unsubscribed event', async () => {
    await h.call('PUT', '/v1/customers/dur-cat/subscriptions', { topics: { news: true } });
    expect(await membersOf('dur-cat')).toEqual(['durable-news']);
    const link = unsubscribeUrl('', await loadLinkSecret(h.db), {
      c: 'dur-cat',
      m: 'msg-dur',
      ch: 'email',
      topic: 'news',
    });
    const res = await h.app.inject({
      method: 'POST',
      url: link,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(await membersOf('dur-cat')).toEqual([]);
    const events = await consentEvents('dur-cat');
    expect(events.map((e) => e.properties)).toEqual(
      expect.arrayContaining([{ topics: { news: true } }, { topics: { news: false } }]),
    );
    expect(
      await h.db.collection(COLLECTIONS.events).findOne({ _id: 'unsubscribe:msg-dur' as never }),
    ).not.toBeNull();
  });
});
