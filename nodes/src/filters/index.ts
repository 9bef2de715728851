import {
  type EventMatcher,
  encodeKey,
  encodePath,
  encodeStored,
  type PropertyFilter,
  type PropertyPredicate,
} from '@itinera/schemas';
import { Context } from 'mingo/core';
import * as queryOperators from 'mingo/operators/query';
import { Query } from 'mingo/query';

/**
 * One semantics for every property filter: a predicate becomes a MongoDB query once, and that query runs both in
 * the store (`filterQuery`) and in memory through mingo (`filterMatches`) over the same stored encoding, so a
 * trigger, a condition, a wait and an event count all answer alike. The rules (pinned by nodes/test/filters.test.ts):
 * - `eq`/`neq`/`in`: MongoDB equality, so an array matches when one element does; a filter value written as text
 *   that reads as a number or `true`/`false` also matches that number or boolean, and a number or boolean also
 *   matches its text (forms send text);
 * - `gt`/`gte`/`lt`/`lte`: MongoDB's typed order: numbers with numbers (a numeric text value is read as a number),
 *   text with text by code point (ISO dates order correctly); a value of another type never matches;
 * - `contains`: the text holds the value (case-sensitive), or an array holds an element containing or equal to it;
 * - `exists`: present and not null; `not_exists`: missing or null.
 */
export type MongoQuery = Record<string, unknown>;

const RANGE: Record<string, string> = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte' };
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

function stored(value: unknown): unknown {
  try {
    return encodeStored(value ?? null, 'value');
  } catch {
    return value ?? null;
  }
}

/** The values a filter value equals: itself, plus its number/boolean reading or its text. */
function equalValues(value: unknown): unknown[] {
  const values = [stored(value)];
  if (typeof value === 'string') {
    if (NUMERIC.test(value) && Number.isFinite(Number(value))) values.push(Number(value));
    if (value === 'true' || value === 'false') values.push(value === 'true');
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    values.push(String(value));
  }
  return values;
}

function rangeValue(value: unknown): unknown {
  if (typeof value === 'string' && NUMERIC.test(value) && Number.isFinite(Number(value)))
    return Number(value);
  return stored(value);
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function condition(predicate: PropertyPredicate, field: string): MongoQuery {
  const { op, value } = predicate;
  switch (op) {
    case 'exists':
      return { [field]: { $ne: null } };
    case 'not_exists':
      return { [field]: null };
    case 'eq':
      return { [field]: { $in: equalValues(value) } };
    case 'neq':
      return { [field]: { $nin: equalValues(value) } };
    case 'in':
      return { [field]: { $in: (Array.isArray(value) ? value : [value]).flatMap(equalValues) } };
    case 'contains': {
      const equal = { [field]: { $in: equalValues(value) } };
      if (typeof value !== 'string') return equal;
      return { $or: [{ [field]: { $regex: escapeRegex(value) } }, equal] };
    }
    default:
      return { [field]: { [RANGE[op]]: rangeValue(value) } };
  }
}

/** The store query for one predicate over the document field `root` (e.g. `properties`, `traits`; '' for none). */
export function predicateQuery(predicate: PropertyPredicate, root = ''): MongoQuery {
  const prefix = root ? `${root}.` : '';
  // Stored keys are encoded; `utm.source` may be one key holding a dot or a nested path: both are tried.
  const fields = [...new Set([encodePath(predicate.path), encodeKey(predicate.path)])].map((f) => prefix + f);
  const alternatives = fields.map((field) => condition(predicate, field));
  if (alternatives.length === 1) return alternatives[0];
  const negative = predicate.op === 'neq' || predicate.op === 'not_exists';
  return negative ? { $and: alternatives } : { $or: alternatives };
}

/** The store query for a whole filter (all predicates must hold); `{}` for none. */
export function filterQuery(filter: PropertyFilter | undefined, root = ''): MongoQuery {
  const clauses = (filter ?? []).map((predicate) => predicateQuery(predicate, root));
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? clauses[0] : { $and: clauses };
}

/**
 * Only mingo's query operators, which are all a filter's query uses: this module runs in every journey
 * workflow, and the workflow sandbox evaluates each imported module once per workflow it starts.
 */
const QUERY_CONTEXT = Context.init({ query: queryOperators });

/** Compiled queries by filter: journeys reuse a handful of filters for every event. A pure cache. */
const compiled = new Map<string, Query>();
const MAX_COMPILED = 1000;

function compiledQuery(filter: PropertyFilter): Query {
  const key = JSON.stringify(filter);
  let query = compiled.get(key);
  if (!query) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    query = new Query(filterQuery(filter), { context: QUERY_CONTEXT });
    compiled.set(key, query);
  }
  return query;
}

/** Evaluates a filter in memory on a decoded object, with exactly the answers the store gives. */
export function filterMatches(source: unknown, filter: PropertyFilter | undefined): boolean {
  if (!filter || filter.length === 0) return true;
  const document = stored(source);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return false;
  return compiledQuery(filter).test(document as Record<string, unknown>);
}

export function predicateMatches(source: unknown, predicate: PropertyPredicate): boolean {
  return filterMatches(source, [predicate]);
}

export function eventMatchesFilter(
  event: { event: string; properties?: unknown },
  matcher: EventMatcher,
): boolean {
  return event.event === matcher.event && filterMatches(event.properties ?? {}, matcher.where);
}
