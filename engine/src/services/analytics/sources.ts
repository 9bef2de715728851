import { FOLD_KEY_MS, foldKeyOf } from '@itinera/schemas';
import type { Db, Document, Filter } from 'mongodb';

/**
 * Where the fold finds the facts recorded since its checkpoint: `range` is the time filter the older
 * releases' documents can only be found by (a scan on FerretDB, which serves ranges itself), used once.
 */
export type FactSource = (
  collection: string,
  range: Filter<Document>,
  projection?: Document,
) => AsyncIterable<Document>;

/** Facts by their time fields: the one-time pass over facts written before `foldKey` existed. */
export function rangeSource(db: Db): FactSource {
  return (collection, range, projection) => db.collection(collection).find(range, { projection });
}

/**
 * Facts by the minute their writer stamped on them, one equality lookup per minute (an index on every
 * store): the cost follows what was written in those minutes, not the size of the collections.
 */
export function keyedSource(db: Db, keys: string[]): FactSource {
  return async function* (collection, _range, projection) {
    for (const foldKey of keys) yield* db.collection(collection).find({ foldKey }, { projection });
  };
}

/** Every fold key of the minutes from `fromMs` to `toMs`, both included. */
export function foldKeysBetween(fromMs: number, toMs: number): string[] {
  const keys: string[] = [];
  for (let ms = Math.floor(fromMs / FOLD_KEY_MS) * FOLD_KEY_MS; ms <= toMs; ms += FOLD_KEY_MS)
    keys.push(foldKeyOf(ms));
  return keys;
}

const LOOKUPS_IN_FLIGHT = 16;

/**
 * One equality lookup per key, a few in flight: the lookup FerretDB serves from an index, where it scans
 * the whole collection for `$in`.
 */
export async function lookUpEach<T>(
  keys: string[],
  load: (key: string) => Promise<T | T[] | null>,
  inFlight = LOOKUPS_IN_FLIGHT,
) {
  const found: T[] = [];
  for (let i = 0; i < keys.length; i += inFlight) {
    const batch = await Promise.all(keys.slice(i, i + inFlight).map(load));
    for (const result of batch)
      if (result !== null) found.push(...(Array.isArray(result) ? result : [result]));
  }
  return found;
}
