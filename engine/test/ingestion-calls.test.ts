import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { graph, leaveUnrouted } from '../../test/support/journeys.ts';
import { eventLimitsFromEnv } from '../src/services/event-limits.ts';
import { type EventDoc, normalise } from '../src/services/event-parsing.ts';
import { identityService } from '../src/services/identity.ts';

describe('ingestion: batches, the six Segment call types and limits', () => {
  let h: Harness;
  beforeAll(async () => {
    process.env.ITINERA_MAX_TRAITS = '5';
    process.env.ITINERA_ROUTE_MAX_ATTEMPTS = '2';
    h = await devServerHarness({});
    delete process.env.ITINERA_MAX_TRAITS;
    delete process.env.ITINERA_ROUTE_MAX_ATTEMPTS;
  });
  afterAll(async () => {
    await h?.close();
  });

  const ingest = (path: string, body: unknown) => h.call('POST', `/v1/${path}`, body, 'ingest');
  const events = async (customer: string) => (await h.call('GET', `/v1/customers/${customer}/events`)).body;
  const track = (i: number, extra: object = {}) => ({
    type: 'track',
    userId: 'batcher',
    event: 'bought',
    messageId: `b-${i}`,
    properties: { i },
    ...extra,
  });

  it('a batch with one unstorable item stores nothing, names the item, and its retry loses no good item', async () => {
    const bad = track(2, { properties: { 'lone\uD800': 1 } });
    const refused = await ingest('batch', { batch: [track(1), bad, track(3)] });
    expect(refused).toMatchObject({ status: 400, body: { field: 'batch.1.properties' } });
    expect(await events('batcher')).toEqual([]);

    const retried = await ingest('batch', { batch: [track(1), track(2), track(3)] });
    expect(retried).toMatchObject({ status: 200, body: { accepted: 3, duplicates: 0 } });
    const again = await ingest('batch', { batch: [track(1), track(2), track(3), track(4)] });
    expect(again).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 3 } });
    const stored = (await events('batcher')).map((e: { messageId: string }) => e.messageId).sort();
    expect(stored).toEqual(['b-1', 'b-2', 'b-3', 'b-4']);
  });

  it('refuses a NUL character in an identifier with a 400 naming it, and stores nothing of the batch', async () => {
    const refused = await ingest('batch', { batch: [track(5), { ...track(6), userId: 'bad\u0000id' }] });
    expect(refused).toMatchObject({ status: 400, body: { field: 'batch.1.userId' } });
    const named = await ingest('track', { ...track(7), event: 'nul\u0000name' });
    expect(named).toMatchObject({ status: 400, body: { field: 'event' } });
    expect((await events('batcher')).map((e: { messageId: string }) => e.messageId)).not.toContain('b-5');
  });

  it('accepts all six call types, alone and in a batch', async () => {
    const base = { userId: 'six' };
    expect(
      (await ingest('page', { ...base, name: 'Pricing', category: 'Docs', properties: { path: '/p' } }))
        .status,
    ).toBe(200);
    expect((await ingest('screen', { ...base, name: 'Home' })).status).toBe(200);
    expect(
      (await ingest('group', { ...base, groupId: 'acme', traits: { name: 'Acme', $plan: 'pro' } })).status,
    ).toBe(200);
    const batch = await ingest('batch', {
      batch: [
        { type: 'identify', ...base, traits: { email: 'six@example.com' } },
        { type: 'track', ...base, event: 'clicked' },
        { type: 'page', ...base, name: 'Checkout' },
        { type: 'screen', ...base },
        { type: 'group', ...base, groupId: 'acme-2' },
        { type: 'alias', previousId: 'six-old', userId: 'six' },
      ],
    });
    expect(batch).toMatchObject({ status: 200, body: { accepted: 6 } });
    const list = await events('six');
    const byEvent = (name: string) => list.filter((e: { event: string }) => e.event === name);
    expect(byEvent('page').map((e: { properties: object }) => e.properties)).toEqual(
      expect.arrayContaining([{ name: 'Pricing', category: 'Docs', path: '/p' }, { name: 'Checkout' }]),
    );
    expect(byEvent('screen')).toHaveLength(2);
    expect(byEvent('clicked')).toHaveLength(1);
    const profile = (await h.call('GET', '/v1/customers/six')).body;
    expect(profile.traits).toEqual({ email: 'six@example.com', group: { id: 'acme-2' } });
    expect((await h.call('GET', '/v1/events/names')).body).toEqual(
      expect.arrayContaining(['page', 'screen']),
    );
  });

  it('merges an anonymous visitor into the customer they turn out to be, keeping their history', async () => {
    await ingest('page', { anonymousId: 'anon-1', name: 'Landing', messageId: 'a-1' });
    await ingest('identify', { anonymousId: 'anon-1', traits: { referrer: 'ads', plan: 'free' } });
    expect((await h.call('GET', '/v1/customers/anon-1')).status).toBe(200);

    await ingest('identify', { userId: 'known-1', anonymousId: 'anon-1', traits: { plan: 'pro' } });
    expect((await h.call('GET', '/v1/customers/anon-1')).status).toBe(404);
    await ingest('track', { anonymousId: 'anon-1', event: 'after_merge', messageId: 'a-2' });
    const history = await events('known-1');
    expect(
      history.map((e: { messageId: string; anonymousId: string }) => [e.messageId, e.anonymousId]).sort(),
    ).toEqual([
      ['a-1', 'anon-1'],
      ['a-2', 'anon-1'],
    ]);
    expect((await h.call('GET', '/v1/customers/known-1')).body.traits).toEqual({
      referrer: 'ads',
      plan: 'pro',
    });

    await ingest('track', { userId: 'device-9', event: 'opened_app', messageId: 'd-1' });
    await ingest('alias', { previousId: 'device-9', userId: 'known-2' });
    expect((await events('known-2')).map((e: { messageId: string }) => e.messageId)).toEqual(['d-1']);
  });

  it('an anonymous event stored while another process links its id ends up with the known customer', async () => {
    const limits = eventLimitsFromEnv();
    const identity = identityService(h.db, limits);
    const doc = normalise(
      { type: 'track', anonymousId: 'anon-race', event: 'raced', messageId: 'r-1' },
      null,
      limits,
    );
    await identity.prepare([doc], false);
    expect(doc.customerId).toBe('anon-race');
    // Another API process links the id between this one's look-up and its insert.
    await ingest('identify', { userId: 'known-race', anonymousId: 'anon-race', traits: {} });
    await h.db.collection<EventDoc>(COLLECTIONS.events).insertOne(doc);
    await identity.settle(doc);
    expect(doc.customerId).toBe('known-race');
    expect((await events('known-race')).map((e: { messageId: string }) => e.messageId)).toEqual(['r-1']);
  });

  it('refuses oversized, too deep and trait-heavy calls with 413/400 naming the field', async () => {
    const big = 'x'.repeat(40 * 1024);
    expect(await ingest('track', { userId: 'lim', event: 'e', properties: { big } })).toMatchObject({
      status: 413,
      body: { field: 'properties' },
    });
    const huge = await ingest('track', {
      userId: 'lim',
      event: 'e',
      properties: { a: big.slice(0, 30_000) },
      context: { b: big.slice(0, 30_000) },
      integrations: { c: big.slice(0, 10_000) },
    });
    expect(huge).toMatchObject({ status: 413, body: { field: 'body' } });
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const tooDeep = await ingest('batch', { batch: [track(9, { properties: { deep } })] });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.field).toMatch(/^batch\.0\.properties\.deep(\.d)+$/);

    expect((await ingest('identify', { userId: 'lim', traits: { a: 1, b: 2, c: 3 } })).status).toBe(200);
    const tooMany = await ingest('identify', { userId: 'lim', traits: { c: 4, d: 5, e: 6, f: 7 } });
    expect(tooMany).toMatchObject({ status: 400, body: { field: 'traits' } });
    expect((await h.call('GET', '/v1/customers/lim')).body.traits).toEqual({ a: 1, b: 2, c: 3 });
    expect(await events('lim')).toEqual([]);
  });

  it('parks an event whose routing keeps failing, with its reason, and retries it on request', async () => {
    const journeyId = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'poison_evt', reentry: 'once' } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->end'],
      ),
    );
    // A live journey whose published version is gone: every routing attempt of its trigger event fails.
    await h.db.collection(COLLECTIONS.versions).deleteMany({ journeyId });
    await leaveUnrouted(h.db, 'poison-1', 'poisoned', 'poison_evt');
    const sweep = () => h.app.services.ingestion.sweepUnrouted();
    expect(await sweep()).toBe(1);
    expect((await h.call('GET', '/v1/events/parked')).body).toEqual([]);
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);
    const parked = (await h.call('GET', '/v1/events/parked', undefined, 'support')).body;
    expect(parked).toEqual([
      expect.objectContaining({
        messageId: 'poison-1',
        customerId: 'poisoned',
        event: 'poison_evt',
        attempts: 2,
      }),
    ]);
    expect(parked[0].reason).toMatch(/version/i);

    // An outage is not the event's fault: however often it fails that way, it is not parked.
    const outage = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    await leaveUnrouted(h.db, 'outage-1', 'patient', 'poison_evt');
    for (let i = 0; i < 4; i++)
      expect(await h.app.services.ingestion.parked.recordFailure('outage-1', outage)).toBe(false);
    expect((await h.call('GET', '/v1/events/parked')).body).toHaveLength(1);

    expect((await h.call('POST', '/v1/events/parked/nope/retry')).status).toBe(404);
    expect((await h.call('POST', '/v1/events/parked/poison-1/retry')).body).toEqual({ retrying: true });
    expect((await h.call('GET', '/v1/events/parked')).body).toEqual([]);
    expect(await sweep()).toBe(2);
  });
});
