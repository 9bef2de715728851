import { type Static, Type } from '@sinclair/typebox';

/** One comparison against a dotted property path, e.g. `{ path: 'plan', op: 'eq', value: 'pro' }`. */
export const PropertyPredicate = Type.Object(
  {
    path: Type.String({ minLength: 1, title: 'Property' }),
    op: Type.Union(
      [
        Type.Literal('eq'),
        Type.Literal('neq'),
        Type.Literal('gt'),
        Type.Literal('gte'),
        Type.Literal('lt'),
        Type.Literal('lte'),
        Type.Literal('contains'),
        Type.Literal('exists'),
        Type.Literal('not_exists'),
        Type.Literal('in'),
      ],
      { title: 'Operator', default: 'eq' },
    ),
    value: Type.Optional(Type.Unknown({ title: 'Value' })),
  },
  { additionalProperties: false },
);
export type PropertyPredicate = Static<typeof PropertyPredicate>;

export const PropertyFilter = Type.Array(PropertyPredicate, {
  title: 'Property filter (all must hold)',
  default: [],
});
export type PropertyFilter = Static<typeof PropertyFilter>;

export const EventMatcher = Type.Object(
  {
    event: Type.String({ minLength: 1, title: 'Event name', 'x-widget': 'event-name' }),
    where: Type.Optional(PropertyFilter),
  },
  { additionalProperties: false },
);
export type EventMatcher = Static<typeof EventMatcher>;

/**
 * Reads a dotted path. A key that itself holds dots (`utm.source`) matches before the path descends,
 * so `{ "utm.source": "x" }` and `{ utm: { source: "x" } }` both answer `utm.source`.
 */
export function readPath(source: unknown, path: string): unknown {
  const segments = path.split('.');
  let current: unknown = source;
  let from = 0;
  while (from < segments.length) {
    if (current === null || typeof current !== 'object') return undefined;
    let to = segments.length;
    while (to > from && !Object.hasOwn(current, segments.slice(from, to).join('.'))) to--;
    if (to === from) return undefined;
    current = (current as Record<string, unknown>)[segments.slice(from, to).join('.')];
    from = to;
  }
  return current;
}

function compare(actual: unknown, expected: unknown): number | null {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string') return actual.localeCompare(expected);
  const a = Number(actual);
  const b = Number(expected);
  return Number.isFinite(a) && Number.isFinite(b) ? a - b : null;
}

export function predicateHolds(source: unknown, predicate: PropertyPredicate): boolean {
  const actual = readPath(source, predicate.path);
  const expected = predicate.value;
  switch (predicate.op) {
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return actual === undefined || actual === null;
    case 'eq':
      return actual === expected || (actual != null && String(actual) === String(expected));
    case 'neq':
      return !(actual === expected || (actual != null && String(actual) === String(expected)));
    case 'contains':
      if (Array.isArray(actual)) return actual.includes(expected);
      return typeof actual === 'string' && actual.includes(String(expected));
    case 'in':
      return Array.isArray(expected) && expected.some((v) => v === actual || String(v) === String(actual));
    default: {
      const diff = compare(actual, expected);
      if (diff === null) return false;
      if (predicate.op === 'gt') return diff > 0;
      if (predicate.op === 'gte') return diff >= 0;
      if (predicate.op === 'lt') return diff < 0;
      return diff <= 0;
    }
  }
}

export function filterHolds(source: unknown, filter: PropertyFilter | undefined): boolean {
  return (filter ?? []).every((predicate) => predicateHolds(source, predicate));
}

export function describePredicate(p: PropertyPredicate): string {
  if (p.op === 'exists' || p.op === 'not_exists') return `${p.path} ${p.op.replace('_', ' ')}`;
  return `${p.path} ${p.op} ${JSON.stringify(p.value)}`;
}

export function eventMatches(event: { event: string; properties?: unknown }, matcher: EventMatcher): boolean {
  return event.event === matcher.event && filterHolds(event.properties ?? {}, matcher.where);
}
