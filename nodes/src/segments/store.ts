import {
  COLLECTIONS,
  decodeStored,
  encodeStored,
  type SegmentReads,
  type SegmentRule,
} from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
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
const ignoreDuplicate = (error: unknown) => {
  if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
};

/**
 * For processes without the API's ingestion (the worker): stores the segment event as accepted and marks it
 * deferred, so the API's sweeper routes it (journeys, waits, other segments) within its next tick.
 */
export function queuedSegmentEvents(db: Db): SegmentEventEmitter {
  return async (customerId, event, properties, messageId) => {
    const now = new Date().toISOString();
    await db
      .collection(COLLECTIONS.pendingRoutes)
      .insertOne({ _id: messageId as never, receivedAt: now, deferred: true })
      .catch(ignoreDuplicate);
    await db
      .collection(COLLECTIONS.events)
      .insertOne({
        _id: messageId as never,
        type: 'track',
        customerId,
        event,
        properties: encodeStored(properties, 'properties'),
        timestamp: now,
        receivedAt: now,
      })
      .catch(ignoreDuplicate);
  };
}
