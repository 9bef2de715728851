import {
  COLLECTIONS,
  decodeStored,
  encodeStored,
  type SegmentReads,
  type SegmentRule,
} from '@itinera/schemas';
import type { Collection, Db } from 'mongodb';
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

/** The live segment's definition, or null when it was deleted. */
export async function loadSegment(db: Db, id: string): Promise<SegmentDefinition | null> {
  const doc = await db
    .collection<SegmentDoc>(COLLECTIONS.segments)
    .findOne({ _id: id, deleted: { $ne: true } });
  return doc && segmentDefinition(doc);
}

const DUPLICATE_KEY = 11000;

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
 * For processes without the API's ingestion (the worker): stores the segment event as accepted and marks it
 * deferred, so the API's sweeper routes it (journeys, waits, other segments) within its next tick.
 */
export function queuedSegmentEvents(db: Db): SegmentEventEmitter {
  return async (customerId, event, properties, messageId) => {
    const now = new Date().toISOString();
    await insertOnce(
      db.collection<{ _id: string; receivedAt: string; deferred: boolean }>(COLLECTIONS.pendingRoutes),
      {
        _id: messageId,
        receivedAt: now,
        deferred: true,
      },
    );
    await insertOnce(db.collection<{ _id: string }>(COLLECTIONS.events), {
      _id: messageId,
      type: 'track',
      customerId,
      event,
      properties: encodeStored(properties, 'properties'),
      timestamp: now,
      receivedAt: now,
    } as { _id: string });
  };
}
