import { loadSnapshots } from '@itinera/nodes/segments';
import type { SegmentRule } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** Every rule kind, evaluated for real customers ingested through the API into the real store. */
describe('segment rule kinds', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
    const send = async (path: string, body: object) =>
      expect((await h.call('POST', path, body, 'ingest')).status).toBe(200);
    await send('/v1/identify', {
      userId: 'r-ann',
      traits: {
        plan: 'pro',
        seats: 12,
        tags: ['beta', 'early-adopter'],
        email: 'ann@example.com',
        'utm.source': 'news',
        signed_up_at: ago(20),
        birthday: '1990-01-01',
        timezone: 'Pacific/Kiritimati',
        address: { city: 'Oslo' },
      },
    });
    await send('/v1/identify', {
      userId: 'r-bob',
      traits: { plan: 'free', seats: '12', signed_up_at: ago(3) },
    });
    const purchases: [number, number, string][] = [
      [100, 80, 'books'],
      [250, 40, 'shoes'],
      [175.5, 10, 'books'],
      [30, 2, 'books'],
    ];
    for (const [amount, days, category] of purchases)
      await send('/v1/track', {
        userId: 'r-ann',
        event: 'purchased',
        properties: { amount, category },
        timestamp: ago(days),
      });
    await send('/v1/track', { userId: 'r-ann', event: 'viewed', timestamp: ago(400) });
    await h.call('PUT', '/v1/customers/r-ann/subscriptions', {
      topics: { news: true },
      channels: { email: true },
    });
    await h.call('PUT', '/v1/customers/r-bob/subscriptions', { topics: { news: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Evaluates reading the store rule by rule, and from a snapshot loaded up front: both must agree. */
  const check = async (rules: SegmentRule, customerId = 'r-ann') => {
    const definition = { id: 'test', name: 'Test', kind: 'rules' as const, rules };
    const now = new Date();
    const { evaluator } = h.app.services.segments;
    const direct = await evaluator.evaluate(definition, customerId, now);
    const snapshot = (await loadSnapshots(h.db, [customerId], [rules], now)).get(customerId);
    expect(snapshot?.events).not.toBeNull();
    expect(await evaluator.evaluate(definition, customerId, now, snapshot)).toEqual(direct);
    return direct;
  };
  const matches = async (rules: SegmentRule) => [
    (await check(rules)).member,
    (await check(rules, 'r-bob')).member,
  ];

  it('profile attributes: strict equality, in, contains, starts with, exists, numbers and dates', async () => {
    const attr = (trait: string, op: string, value?: unknown) =>
      ({ kind: 'attribute', trait, op, value }) as SegmentRule;
    expect(await matches(attr('plan', 'eq', 'pro'))).toEqual([true, false]);
    expect(await matches(attr('seats', 'eq', 12))).toEqual([true, false]); // "12" is not 12
    expect(await matches(attr('plan', 'ne', 'pro'))).toEqual([false, true]);
    expect(await matches(attr('plan', 'in', ['pro', 'team']))).toEqual([true, false]);
    expect(await matches(attr('tags', 'contains', 'adopt'))).toEqual([true, false]);
    expect(await matches(attr('plan', 'startsWith', 'fr'))).toEqual([false, true]);
    expect(await matches(attr('email', 'exists'))).toEqual([true, false]);
    expect(await matches(attr('email', 'notExists'))).toEqual([false, true]);
    expect(await matches(attr('seats', 'gte', 10))).toEqual([true, false]); // numbers never compare with text
    expect(await matches(attr('signed_up_at', 'lt', ago(10)))).toEqual([true, false]);
    expect(await matches(attr('utm.source', 'eq', 'news'))).toEqual([true, false]); // the dotted key or the path
    expect(await matches(attr('utm.source', 'ne', 'news'))).toEqual([false, true]);
    expect(await matches(attr('address.city', 'eq', 'Oslo'))).toEqual([true, false]);
    expect((await check(attr('seats', 'gt', 11))).reason).toBe('seats is 12 (gt 11)');
  });

  it('dates relative to now, and anniversaries in the customer timezone', async () => {
    const older = {
      kind: 'attributeDate',
      trait: 'signed_up_at',
      relation: 'moreThanDaysAgo',
      days: 14,
    } as const;
    expect(await matches(older)).toEqual([true, false]);
    const recent = { ...older, relation: 'withinLastDays', days: 7 } as const;
    expect(await matches(recent)).toEqual([false, true]);
    // Bob leaves "within the last 7 days" exactly 7 days after signing up.
    const bob = await check(recent, 'r-bob');
    expect(Date.parse(bob.nextCheckAt as string) - Date.parse(ago(3))).toBeGreaterThanOrEqual(
      7 * DAY - 60_000,
    );
    expect(Date.parse(bob.nextCheckAt as string) - Date.parse(ago(3))).toBeLessThanOrEqual(7 * DAY + 60_000);

    const birthday = await check({ kind: 'anniversary', trait: 'birthday', withinNextDays: 366 });
    expect(birthday.member).toBe(true);
    expect(birthday.reason).toMatch(/Pacific\/Kiritimati/);
    expect((await check({ kind: 'anniversary', trait: 'birthday', withinNextDays: 0 }, 'r-bob')).member).toBe(
      false,
    );
  });

  it('event history: counts with filters and windows, first/last performed, not performed', async () => {
    const performed = (extra: object) => ({ kind: 'performed', event: 'purchased', ...extra }) as SegmentRule;
    expect(await matches(performed({}))).toEqual([true, false]);
    expect(await matches(performed({ count: { op: 'exactly', n: 4 } }))).toEqual([true, false]);
    expect(await matches(performed({ count: { op: 'atLeast', n: 3 }, withinDays: 30 }))).toEqual([
      false,
      false,
    ]);
    expect(await matches(performed({ count: { op: 'atMost', n: 2 }, withinDays: 30 }))).toEqual([true, true]);
    const books = [{ path: 'category', op: 'eq', value: 'books' }];
    expect(await matches(performed({ where: books, count: { op: 'exactly', n: 3 } }))).toEqual([true, false]);
    const within = await check(performed({ withinDays: 30 }));
    // Two purchases in 30 days (10 and 2 days ago): "at least one" holds until the newer leaves, in 28 days.
    expect(Math.round((Date.parse(within.nextCheckAt as string) - Date.now()) / DAY)).toBe(28);
    // "At most one in 30 days" is false now and turns true when the older leaves, in 20 days.
    const atMost = await check(performed({ withinDays: 30, count: { op: 'atMost', n: 1 } }));
    expect(atMost.member).toBe(false);
    expect(Math.round((Date.parse(atMost.nextCheckAt as string) - Date.now()) / DAY)).toBe(20);
    // Time only takes events out of a window: a count below its minimum needs no timer.
    expect((await check(performed({ withinDays: 30, count: { op: 'atLeast', n: 3 } }))).nextCheckAt).toBe(
      undefined,
    );

    expect(await matches({ kind: 'notPerformed', event: 'purchased', withinDays: 1 })).toEqual([true, true]);
    expect(await matches({ kind: 'notPerformed', event: 'purchased', withinDays: 5 })).toEqual([false, true]);
    const first = {
      kind: 'performedAt',
      event: 'purchased',
      which: 'first',
      op: 'before',
      daysAgo: 60,
    } as const;
    expect(await matches(first)).toEqual([true, false]);
    expect(await matches({ ...first, which: 'last', op: 'after', daysAgo: 5 })).toEqual([true, false]);
    expect(await matches({ ...first, daysAgo: undefined, at: '2000-01-01T00:00:00Z' })).toEqual([
      false,
      false,
    ]);
  });

  it('aggregates of an event property within a window', async () => {
    const agg = (fn: string, op: string, value: number, withinDays?: number) =>
      ({
        kind: 'aggregate',
        event: 'purchased',
        property: 'amount',
        fn,
        op,
        value,
        withinDays,
      }) as SegmentRule;
    expect(await matches(agg('sum', 'gt', 500, 90))).toEqual([true, false]);
    expect((await check(agg('sum', 'gt', 500, 90))).reason).toBe('sum of purchased.amount is 555.5 (gt 500)');
    expect(await matches(agg('sum', 'gt', 500, 30))).toEqual([false, false]);
    expect((await check(agg('avg', 'eq', 138.875))).member).toBe(true);
    expect((await check(agg('min', 'eq', 30))).member).toBe(true);
    expect((await check(agg('max', 'gte', 250))).member).toBe(true);
    expect((await check(agg('count', 'eq', 3, 60))).member).toBe(true);
  });

  it('consent, reachability, membership of another segment and a stable bucket', async () => {
    expect(await matches({ kind: 'subscribed', topic: 'news' })).toEqual([true, false]);
    expect(await matches({ kind: 'reachable', channel: 'email' })).toEqual([true, false]);
    await h.call('POST', '/v1/segments', { id: 'listed', kind: 'manual', name: 'Listed' });
    await h.call('POST', '/v1/segments/listed/members', { add: ['r-bob'] });
    expect(await matches({ kind: 'inSegment', segment: 'listed' })).toEqual([false, true]);

    const bucket = async (customerId: string) =>
      Number(
        (await check({ kind: 'bucket', from: 0, to: 99, seed: 'holdout' }, customerId)).reason.split(' ')[1],
      );
    expect(await bucket('r-ann')).toBe(await bucket('r-ann'));
    const held = await bucket('r-ann');
    expect((await check({ kind: 'bucket', from: held, to: held, seed: 'holdout' })).member).toBe(true);
    expect(
      (await check({ kind: 'bucket', from: (held + 1) % 100, to: (held + 1) % 100, seed: 'holdout' })).member,
    ).toBe(false);
  });

  it('birthday in the next 7 days in each customer timezone, at a fixed moment', async () => {
    for (const [userId, timezone] of [
      ['r-east', 'Pacific/Kiritimati'],
      ['r-west', 'America/Los_Angeles'],
    ])
      await h.call(
        'POST',
        '/v1/identify',
        { userId, traits: { birthday: '1990-03-18', timezone } },
        'ingest',
      );
    // 12:00 UTC on 10 March is already 11 March in Kiritimati (UTC+14): 7 days to go there, 8 in Los Angeles.
    const at = new Date('2026-03-10T12:00:00Z');
    const birthday = (customerId: string) =>
      h.app.services.segments.evaluator.evaluate(
        {
          id: 'bd',
          name: 'Birthday',
          kind: 'rules',
          rules: { kind: 'anniversary', trait: 'birthday', withinNextDays: 7 },
        },
        customerId,
        at,
      );
    const east = await birthday('r-east');
    expect([east.member, east.reason]).toEqual([
      true,
      'birthday anniversary is in 7 days (within 7, Pacific/Kiritimati)',
    ]);
    const west = await birthday('r-west');
    expect([west.member, west.reason]).toEqual([
      false,
      'birthday anniversary is in 8 days (within 7, America/Los_Angeles)',
    ]);
    // Re-checked at the customer's next local midnight, when the count of days changes.
    expect(east.nextCheckAt).toBe('2026-03-11T10:00:00.000Z');
  });

  it('first / last performed against absolute and relative times, windows on counts and aggregates', async () => {
    const at = (which: string, op: string, when: { at?: string; daysAgo?: number }) =>
      ({ kind: 'performedAt', event: 'purchased', which, op, ...when }) as SegmentRule;
    const tomorrow = new Date(Date.now() + DAY).toISOString();
    expect(await matches(at('last', 'before', { at: tomorrow }))).toEqual([true, false]);
    expect(await matches(at('first', 'after', { at: ago(90) }))).toEqual([true, false]);
    expect(await matches(at('first', 'after', { at: ago(70) }))).toEqual([false, false]);
    expect(await matches(at('last', 'after', { daysAgo: 1 }))).toEqual([false, false]);
    expect(await matches(at('first', 'before', { daysAgo: 100 }))).toEqual([false, false]);
    expect(
      await matches({
        kind: 'performed',
        event: 'purchased',
        count: { op: 'exactly', n: 2 },
        withinDays: 30,
      }),
    ).toEqual([true, false]);
    expect(await matches({ kind: 'notPerformed', event: 'viewed', withinDays: 30 })).toEqual([true, true]);

    const agg = (fn: string, withinDays: number, value: number) =>
      ({
        kind: 'aggregate',
        event: 'purchased',
        property: 'amount',
        fn,
        op: 'eq',
        value,
        withinDays,
      }) as SegmentRule;
    expect((await check(agg('avg', 30, 102.75))).member).toBe(true);
    expect((await check(agg('min', 45, 30))).member).toBe(true);
    expect((await check(agg('max', 30, 175.5))).member).toBe(true);
    expect((await check(agg('max', 30, 175.5), 'r-bob')).reason).toBe(
      'max of purchased.amount is none (eq 175.5)',
    );
  });

  it('combines rules with all, any and not', async () => {
    const pro = { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' } as const;
    const free = { kind: 'attribute', trait: 'plan', op: 'eq', value: 'free' } as const;
    expect(await matches({ all: [pro, { kind: 'performed', event: 'purchased' }] })).toEqual([true, false]);
    expect(await matches({ any: [pro, free] })).toEqual([true, true]);
    expect(await matches({ not: { any: [pro, { all: [free, { not: pro }] }] } })).toEqual([false, false]);
  });
});
