import { encodeStored, type PropertyPredicate } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../test/support/servers.ts';
import { filterQuery, predicateMatches } from '../src/filters/index.ts';

/** Each case: a predicate and, per named document, whether it holds. Every row runs in memory AND in FerretDB. */
const DOCS: Record<string, Record<string, unknown>> = {
  num30: { age: 30 },
  text30: { age: '30' },
  text7: { age: '7' },
  pro: { plan: 'pro', tags: ['vip', 'beta'] },
  Pro: { plan: 'Pro' },
  nullPlan: { plan: null },
  empty: {},
  bool: { active: true },
  boolText: { active: 'true' },
  dates: { signedUpAt: '2026-03-01T10:00:00.000Z' },
  nested: { address: { city: 'Lyon' } },
  dotted: { 'utm.source': 'newsletter', $browser: 'Chrome' },
  numbers: { scores: [3, 10] },
};

const T = true;
const F = false;
type Case = [PropertyPredicate, Partial<Record<keyof typeof DOCS, boolean>>];

const CASES: Case[] = [
  [
    { path: 'age', op: 'eq', value: 30 },
    { num30: T, text30: T, text7: F, empty: F },
  ],
  [
    { path: 'age', op: 'eq', value: '30' },
    { num30: T, text30: T, empty: F },
  ],
  [
    { path: 'age', op: 'eq', value: '30.0' },
    { num30: T, text30: F },
  ],
  [
    { path: 'plan', op: 'eq', value: 'pro' },
    { pro: T, Pro: F, nullPlan: F, empty: F },
  ],
  [
    { path: 'plan', op: 'eq', value: null },
    { pro: F, nullPlan: T, empty: T },
  ],
  [
    { path: 'tags', op: 'eq', value: 'vip' },
    { pro: T, Pro: F },
  ],
  [
    { path: 'active', op: 'eq', value: true },
    { bool: T, boolText: T, empty: F },
  ],
  [
    { path: 'active', op: 'eq', value: 'true' },
    { bool: T, boolText: T },
  ],
  [
    { path: 'plan', op: 'neq', value: 'pro' },
    { pro: F, Pro: T, nullPlan: T, empty: T },
  ],
  [
    { path: 'age', op: 'neq', value: 30 },
    { num30: F, text30: F, text7: T, empty: T },
  ],
  [
    { path: 'age', op: 'gt', value: 20 },
    { num30: T, text30: F, text7: F, empty: F },
  ],
  [
    { path: 'age', op: 'gt', value: '20' },
    { num30: T, text30: F, empty: F },
  ],
  [
    { path: 'age', op: 'gte', value: 30 },
    { num30: T, text30: F },
  ],
  [
    { path: 'age', op: 'lt', value: 31 },
    { num30: T, text7: F, empty: F },
  ],
  [
    { path: 'age', op: 'lte', value: 29 },
    { num30: F, empty: F },
  ],
  [
    { path: 'scores', op: 'gt', value: 5 },
    { numbers: T, empty: F },
  ],
  [{ path: 'scores', op: 'lt', value: 3 }, { numbers: F }],
  [
    { path: 'signedUpAt', op: 'lt', value: '2026-04-01' },
    { dates: T, empty: F },
  ],
  [{ path: 'signedUpAt', op: 'gte', value: '2026-03-01T10:00:01Z' }, { dates: F }],
  [
    { path: 'plan', op: 'gt', value: 'a' },
    { pro: T, Pro: F, num30: F },
  ],
  [
    { path: 'plan', op: 'contains', value: 'r' },
    { pro: T, Pro: T, nullPlan: F, empty: F },
  ],
  [
    { path: 'plan', op: 'contains', value: 'P' },
    { pro: F, Pro: T },
  ],
  [
    { path: 'plan', op: 'contains', value: '.*' },
    { pro: F, Pro: F },
  ],
  [{ path: 'tags', op: 'contains', value: 'vip' }, { pro: T }],
  [{ path: 'tags', op: 'contains', value: 'et' }, { pro: T }],
  [{ path: 'tags', op: 'contains', value: 'gold' }, { pro: F }],
  [{ path: 'scores', op: 'contains', value: 10 }, { numbers: T }],
  [{ path: 'scores', op: 'contains', value: '3' }, { numbers: T }],
  [
    { path: 'age', op: 'contains', value: '3' },
    { num30: F, text30: T },
  ],
  [
    { path: 'plan', op: 'exists' },
    { pro: T, nullPlan: F, empty: F },
  ],
  [
    { path: 'plan', op: 'not_exists' },
    { pro: F, nullPlan: T, empty: T },
  ],
  [
    { path: 'plan', op: 'in', value: ['pro', 'team'] },
    { pro: T, Pro: F, empty: F },
  ],
  [
    { path: 'age', op: 'in', value: ['30', 40] },
    { num30: T, text30: T, text7: F },
  ],
  [
    { path: 'plan', op: 'in', value: 'pro' },
    { pro: T, Pro: F },
  ],
  [
    { path: 'plan', op: 'in', value: [] },
    { pro: F, empty: F },
  ],
  [
    { path: 'address.city', op: 'eq', value: 'Lyon' },
    { nested: T, empty: F },
  ],
  [
    { path: 'address.city', op: 'neq', value: 'Lyon' },
    { nested: F, empty: T },
  ],
  [
    { path: 'utm.source', op: 'eq', value: 'newsletter' },
    { dotted: T, empty: F },
  ],
  [
    { path: 'utm.source', op: 'not_exists' },
    { dotted: F, empty: T },
  ],
  [{ path: '$browser', op: 'eq', value: 'Chrome' }, { dotted: T }],
];

describe('one filter semantics, in memory and in the store', () => {
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await testDatabase());
    await db.collection('filter_cases').insertMany(
      Object.entries(DOCS).map(([name, properties]) => ({
        _id: name as never,
        properties: encodeStored(properties, 'properties'),
      })),
    );
  });
  afterAll(() => close());

  it.each(CASES.map(([predicate, expected]) => [JSON.stringify(predicate), predicate, expected] as const))(
    '%s',
    async (_, predicate, expected) => {
      const stored = await db
        .collection('filter_cases')
        .find(filterQuery([predicate], 'properties'), { projection: { _id: 1 } })
        .toArray();
      const inStore = new Set(stored.map((d) => String(d._id)));
      for (const [name, properties] of Object.entries(DOCS)) {
        const inMemory = predicateMatches(properties, predicate);
        expect({ name, inMemory }).toEqual({ name, inMemory: inStore.has(name) });
        if (name in expected) expect({ name, inMemory }).toEqual({ name, inMemory: expected[name] });
      }
    },
  );

  it('needs every predicate of a filter to hold, alike in both', async () => {
    const filter: PropertyPredicate[] = [
      { path: 'plan', op: 'eq', value: 'pro' },
      { path: 'tags', op: 'contains', value: 'beta' },
    ];
    const stored = await db.collection('filter_cases').find(filterQuery(filter, 'properties')).toArray();
    expect(stored.map((d) => d._id)).toEqual(['pro']);
    expect(Object.keys(DOCS).filter((name) => filterQueryHolds(name, filter))).toEqual(['pro']);
  });
});

function filterQueryHolds(name: string, filter: PropertyPredicate[]): boolean {
  return filter.every((p) => predicateMatches(DOCS[name], p));
}
