import {
  type AttributeRule,
  encodeKey,
  encodePath,
  type LeafRule,
  type PropertyFilter,
  type SegmentRule,
} from '@itinera/schemas';
import type { Static } from '@sinclair/typebox';

/** A MongoDB query document: the same text runs in the store and, through mingo, in memory. */
export type MongoQuery = Record<string, unknown>;
type AttributeOp = Static<typeof AttributeRule>['op'];

const DAY_MS = 86_400_000;
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One comparison at a stored path. Equality is strict (the string "5" is not the number 5); `contains`
 * matches a substring of a string or of an array's string element; numbers compare as numbers and
 * ISO 8601 dates as text, never across types.
 */
export function comparison(path: string, op: AttributeOp, value: unknown): MongoQuery {
  switch (op) {
    case 'eq':
      return { [path]: value };
    case 'ne':
      return { [path]: { $ne: value } };
    case 'in':
      return { [path]: { $in: value as unknown[] } };
    case 'contains':
      return { [path]: { $regex: escapeRegex(String(value)) } };
    case 'startsWith':
      return { [path]: { $regex: `^${escapeRegex(String(value))}` } };
    case 'exists':
      return { [path]: { $ne: null } };
    case 'notExists':
      return { [path]: null };
    default:
      return { [path]: { [`$${op}`]: value } };
  }
}

const FILTER_OPS: Record<PropertyFilter[number]['op'], AttributeOp> = {
  eq: 'eq',
  neq: 'ne',
  gt: 'gt',
  gte: 'gte',
  lt: 'lt',
  lte: 'lte',
  contains: 'contains',
  exists: 'exists',
  not_exists: 'notExists',
  in: 'in',
};

/**
 * A comparison at a dotted path under `prefix`: `utm.source` matches a key holding the dot or the nested
 * path, as the journeys' filters read it (both must hold for the negative operators).
 */
export function comparisonAt(prefix: string, path: string, op: AttributeOp, value: unknown): MongoQuery {
  const nested = `${prefix}.${encodePath(path)}`;
  const flat = `${prefix}.${encodeKey(path)}`;
  if (nested === flat) return comparison(nested, op, value);
  const both = [comparison(nested, op, value), comparison(flat, op, value)];
  return op === 'ne' || op === 'notExists' ? { $and: both } : { $or: both };
}

/** An event's property filter as a query over stored events (`properties` keep the storage encoding). */
export function propertyFilterQuery(where: PropertyFilter | undefined): MongoQuery[] {
  return (where ?? []).map((p) => comparisonAt('properties', p.path, FILTER_OPS[p.op], p.value));
}

export const traitPath = (trait: string) => `traits.${encodePath(trait)}`;

/** The query over profiles a leaf is exactly, when it reads the profile alone; else undefined. */
export function profileLeafQuery(leaf: LeafRule, now: Date): MongoQuery | undefined {
  if (leaf.kind === 'attribute') return comparisonAt('traits', leaf.trait, leaf.op, leaf.value);
  if (leaf.kind === 'attributeDate') return relativeDateQuery(traitPath(leaf.trait), leaf, now);
  return undefined;
}

/** An ISO 8601 date at `path` more than / within the last `days` days before `now`. */
export function relativeDateQuery(
  path: string,
  rule: { relation: 'moreThanDaysAgo' | 'withinLastDays'; days: number },
  now: Date,
): MongoQuery {
  const bound = daysBefore(now, rule.days).toISOString();
  return rule.relation === 'moreThanDaysAgo'
    ? { [path]: { $lte: bound } }
    : { [path]: { $gt: bound, $lte: now.toISOString() } };
}

/**
 * A query over profiles that every member matches (it may match more): profile leaves are pushed down,
 * everything else is left to the full evaluation. Dry runs and backfills evaluate only what it finds.
 */
export function candidateQuery(rule: SegmentRule, now: Date): { query: MongoQuery; exact: boolean } {
  if ('all' in rule) {
    const parts = rule.all.map((r) => candidateQuery(r, now));
    const pushed = parts.map((p) => p.query).filter((q) => Object.keys(q).length > 0);
    return { query: pushed.length ? { $and: pushed } : {}, exact: parts.every((p) => p.exact) };
  }
  if ('any' in rule) {
    const parts = rule.any.map((r) => candidateQuery(r, now));
    if (parts.some((p) => Object.keys(p.query).length === 0)) return { query: {}, exact: false };
    return { query: { $or: parts.map((p) => p.query) }, exact: parts.every((p) => p.exact) };
  }
  if ('not' in rule) {
    const inner = candidateQuery(rule.not, now);
    return inner.exact && Object.keys(inner.query).length
      ? { query: { $nor: [inner.query] }, exact: true }
      : { query: {}, exact: false };
  }
  const query = profileLeafQuery(rule, now);
  return query ? { query, exact: true } : { query: {}, exact: false };
}
