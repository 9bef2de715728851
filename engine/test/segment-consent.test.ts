import { loadLinkSecret, unsubscribeUrl } from '@itinera/nodes/send';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

/** Consent and reachability segments follow subscription changes made through the API and unsubscribe links. */
describe('segments on consent', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
    for (const [id, rules] of [
      ['newsletter', { kind: 'subscribed', topic: 'news' }],
      ['emailable', { kind: 'reachable', channel: 'email' }],
      ['plain', { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' }],
    ] as const)
      expect((await h.call('POST', '/v1/segments', { id, name: id, rules })).status).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  const segmentsOf = async (customerId: string) => {
    const { body } = await h.call('GET', `/v1/customers/${customerId}/segments`);
    return {
      ids: body.segments.map((s: { segmentId: string }) => s.segmentId).sort(),
      changes: body.changes as { segmentId: string; kind: string; reason: string }[],
    };
  };
  const oneClick = async (url: string) =>
    await h.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
  const subscribe = async (customerId: string, body: object) =>
    expect((await h.call('PUT', `/v1/customers/${customerId}/subscriptions`, body)).status).toBe(200);

  it('enters and leaves consent segments as the subscriptions change through the API', async () => {
    await h.call(
      'POST',
      '/v1/identify',
      { userId: 'con-ann', traits: { email: 'ann@example.com' } },
      'ingest',
    );
    expect((await segmentsOf('con-ann')).ids).toEqual(['emailable']);

    await subscribe('con-ann', { topics: { news: true } });
    expect((await segmentsOf('con-ann')).ids).toEqual(['emailable', 'newsletter']);
    await subscribe('con-ann', { channels: { email: false } });
    const after = await segmentsOf('con-ann');
    expect(after.ids).toEqual(['newsletter']);
    expect(after.changes[0]).toMatchObject({
      segmentId: 'emailable',
      kind: 'exited',
      reason: 'unsubscribed from email',
    });
    await subscribe('con-ann', { topics: { news: false }, channels: { email: true } });
    expect((await segmentsOf('con-ann')).ids).toEqual(['emailable']);
    // Segments that read no consent are not touched: one entry each, nothing for "plain".
    const kinds = (await segmentsOf('con-ann')).changes.map((c) => `${c.segmentId}:${c.kind}`);
    expect(kinds.sort()).toEqual([
      'emailable:entered',
      'emailable:entered',
      'emailable:exited',
      'newsletter:entered',
      'newsletter:exited',
    ]);
  });

  it('leaves on a one-click unsubscribe link', async () => {
    await h.call(
      'POST',
      '/v1/identify',
      { userId: 'con-bob', traits: { email: 'bob@example.com' } },
      'ingest',
    );
    await subscribe('con-bob', { topics: { news: true } });
    expect((await segmentsOf('con-bob')).ids).toEqual(['emailable', 'newsletter']);

    const secret = await loadLinkSecret(h.db);
    const topicLink = unsubscribeUrl('', secret, {
      c: 'con-bob',
      m: 'msg-news-1',
      ch: 'email',
      topic: 'news',
    });
    expect((await oneClick(topicLink)).statusCode).toBe(200);
    expect((await segmentsOf('con-bob')).ids).toEqual(['emailable']);

    const channelLink = unsubscribeUrl('', secret, { c: 'con-bob', m: 'msg-2', ch: 'email' });
    expect((await oneClick(channelLink)).statusCode).toBe(200);
    const { ids, changes } = await segmentsOf('con-bob');
    expect(ids).toEqual([]);
    expect(changes[0]).toMatchObject({
      segmentId: 'emailable',
      kind: 'exited',
      reason: 'unsubscribed from email',
    });
  });
  it('a segment stored before rules could read consent follows consent once its reads are refreshed', async () => {
    const now = new Date().toISOString();
    const segments = h.db.collection<{ _id: string } & Record<string, unknown>>('segments');
    // As 0.3.0 stored it: no `consent` key and no unsubscribe event among what it reads.
    await segments.insertOne({
      _id: 'legacy-news',
      kind: 'rules',
      name: 'Legacy newsletter',
      rules: { kind: 'subscribed', topic: 'digest' },
      reads: { traits: [], events: [], segments: [], timeRelative: false },
      generation: 0,
      createdAt: now,
      updatedAt: now,
    });
    await subscribe('con-old', { topics: { digest: true } });
    expect((await segmentsOf('con-old')).ids).toEqual([]);

    expect(await h.app.services.segments.refreshStoredReads()).toBe(1);
    expect((await segments.findOne({ _id: 'legacy-news' }))?.reads).toMatchObject({
      consent: true,
      events: ['unsubscribed'],
    });
    expect(await h.app.services.segments.refreshStoredReads()).toBe(0);
    await subscribe('con-old', { topics: { digest: false } });
    await subscribe('con-old', { topics: { digest: true } });
    expect((await segmentsOf('con-old')).ids).toEqual(['legacy-news']);
  });
});
