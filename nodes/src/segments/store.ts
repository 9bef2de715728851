import {
  COLLECTIONS,
  decodeStored,
  encodeStored,
  foldKeyOf,
  type SegmentReads,
  type SegmentRule,
} from '@itinera/schemas';
import type { Collection, Db, Filter } from 'mongodb';
import type { SegmentDefinition } from './evaluate.ts';
import type { SegmentEventEmitter } from './membership.ts';

/** A segment as stored in `segments` (written by the API). */
export interface SegmentDoc {
  _id: string;
  kind: 'rules' | 'manual';
  name: string;
  description?: string;
  /** As stored: encoded by the storage codec. */
  rules?: unknown;
  reads: SegmentReads;
  /** Bumped by every rule change; the backfill of the latest generation sets the status. */
  generation: number;
  deleted?: boolean;
  createdAt: string;
  updatedAt: string;
}

export const segmentDefinition = (doc: SegmentDoc): SegmentDefinition => ({
  id: doc._id,
  name: doc.name,
  kind: doc.kind,
  ...(doc.rules ? { rules: decodeStored(doc.rules) as SegmentRule } : {}),
});

/** Every live rule segment, as stored. */
export const loadRuleSegments = (db: Db): Promise<SegmentDoc[]> =>
  db
    .collection<SegmentDoc>(COLLECTIONS.segments)
    .find({ kind: 'rules', deleted: { $ne: true } })
    .toArray();

/** The live segment's definition, or null when it was deleted. */
export async function loadSegment(db: Db, id: string): Promise<SegmentDefinition | null> {
  const doc = await db
    .collection<SegmentDoc>(COLLECTIONS.segments)
    .findOne({ _id: id, deleted: { $ne: true } });
  return doc && segmentDefinition(doc);
}

const DUPLICATE_KEY = 11000;

/**
 * A filter value matching any of `values`: plain equality for one, which FerretDB pushes down to its indexes
 * (it evaluates `$in` by scanning the collection).
 */
export const anyOf = <T>(values: T[]): T | { $in: T[] } =>
  values.length === 1 ? values[0] : { $in: values };

/**
 * Deletes the documents matching each filter, all in one command with a statement per filter: each an
 * equality FerretDB serves from its indexes, where one `$or` of them reads the whole collection.
 */
export async function deleteEach<T extends { _id: string }>(collection: Collection<T>, filters: Filter<T>[]) {
  if (filters.length === 0) return;
  await collection.bulkWrite(
    filters.map((filter) => ({ deleteOne: { filter } })),
    { ordered: false },
  );
}

/** Runs the tasks, at most `width` at a time. */
export async function inParallel(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

/** Inserts unless the `_id` exists; true when this call inserted it (a claim by unique insert). */
export async function insertOnce<T extends { _id: string }>(
  collection: Collection<T>,
  doc: T,
): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

/**
 * Inserts many in one command, each unless its `_id` exists; for each doc, whether this call inserted it
 * (claims by unique insert, batched). Any failure but a duplicate key is thrown.
 */
export async function insertEach<T extends { _id: string }>(
  collection: Collection<T>,
  docs: T[],
): Promise<boolean[]> {
  const inserted = docs.map(() => true);
  if (docs.length === 0) return inserted;
  if (docs.length === 1) return [await insertOnce(collection, docs[0])];
  try {
    await collection.insertMany(docs as never[], { ordered: false });
  } catch (error) {
    const failures = (error as { writeErrors?: unknown }).writeErrors;
    const list = (Array.isArray(failures) ? failures : failures ? [failures] : []) as {
      index: number;
      code?: number;
    }[];
    if (list.length === 0 || list.some((f) => f.code !== DUPLICATE_KEY)) throw error;
    for (const failure of list) inserted[failure.index] = false;
  }
  return inserted;
}

/** An accepted event whose routing has not finished (the API's sweeper routes what is left). */
export interface PendingRouteDoc {
  _id: string;
  receivedAt: string;
  deferred?: boolean;
  /** A segment event whose pass evaluated every segment referring to it: segments need not see it again. */
  referrersEvaluated?: boolean;
}

/**
 * For processes without the API's ingestion (the worker): stores the segment event as accepted and marks it
 * deferred, so the API's sweeper routes it (journeys, waits, other segments) within its next tick.
 */
export function queuedSegmentEvents(db: Db): SegmentEventEmitter {
  return async (emitted, options = {}) => {
    const now = new Date().toISOString();
    const evaluated = options.referrersEvaluated ? { referrersEvaluated: true } : {};
    await insertEach(
      db.collection<PendingRouteDoc>(COLLECTIONS.pendingRoutes),
      emitted.map(({ messageId }) => ({ _id: messageId, receivedAt: now, deferred: true, ...evaluated })),
    );
    await insertEach(
      db.collection<{ _id: string }>(COLLECTIONS.events),
      emitted.map(
        ({ customerId, event, properties, messageId }) =>
          ({
            _id: messageId,
            type: 'track',
            customerId,
            event,
            properties: encodeStored(properties, 'properties'),
            timestamp: now,
            receivedAt: now,
            foldKey: foldKeyOf(),
          }) as { _id: string },
      ),
    );
  };
}
