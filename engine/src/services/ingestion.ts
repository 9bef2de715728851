import { randomUUID } from 'node:crypto';
import {
  COLLECTIONS,
  type CustomerEvent,
  type IdentifyCall,
  KeyedLock,
  type TrackCall,
} from '@itinera/schemas';
import { type Collection, type Db, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { EnrollmentService } from './enrollments.ts';
import type { JourneyService } from './journeys.ts';
import { leases } from './lease.ts';

export type Call = (TrackCall & { type: 'track' }) | (IdentifyCall & { type: 'identify' });

interface EventDoc extends Omit<CustomerEvent, 'messageId'> {
  _id: string;
  type: 'track' | 'identify';
  traits?: Record<string, unknown>;
}

const DUPLICATE_KEY = 11000;

function normalise(call: Call, index: number | null): EventDoc {
  const field = (name: string) => (index === null ? name : `batch.${index}.${name}`);
  const customerId = call.userId ?? call.anonymousId;
  if (!customerId) throw new HttpError(400, `${field('userId')} or anonymousId is required`, field('userId'));
  for (const key of Object.keys(call.type === 'identify' ? (call.traits ?? {}) : {})) {
    if (key.startsWith('$') || key.includes('.') || key === '') {
      throw new HttpError(
        400,
        `${field(`traits.${key}`)}: trait names may not be empty, start with "$" or contain "."`,
        field(`traits.${key}`),
      );
    }
  }
  const timestamp = call.timestamp ? new Date(call.timestamp) : new Date();
  if (Number.isNaN(timestamp.getTime()))
    throw new HttpError(400, `${field('timestamp')} is not a date`, field('timestamp'));
  return {
    _id: call.messageId ?? randomUUID(),
    type: call.type,
    customerId,
    event: call.type === 'track' ? call.event : '$identify',
    properties: call.type === 'track' ? (call.properties ?? {}) : {},
    traits: call.type === 'identify' ? (call.traits ?? {}) : undefined,
    timestamp: timestamp.toISOString(),
    receivedAt: new Date().toISOString(),
  };
}

/** Inserts unless the `_id` exists; true when this call inserted it. */
async function insertOnce<T extends { _id: string }>(collection: Collection<T>, doc: T): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
    throw error;
  }
}

function toEvent(doc: EventDoc): CustomerEvent {
  return {
    messageId: doc._id,
    customerId: doc.customerId,
    event: doc.event,
    properties: doc.properties,
    timestamp: doc.timestamp,
    receivedAt: doc.receivedAt,
  };
}

export function ingestionService(db: Db, journeys: JourneyService, enrollments: EnrollmentService) {
  const events = db.collection<EventDoc>(COLLECTIONS.events);
  const profiles = db.collection<{ _id: string } & Record<string, unknown>>(COLLECTIONS.profiles);
  /** Events accepted but not yet fully routed; small, so the sweeper's scan stays cheap. */
  const pending = db.collection<{ _id: string; receivedAt: string }>(COLLECTIONS.pendingRoutes);
  const sweepLease = leases(db);
  const profileWrites = new KeyedLock();

  /**
   * One `$set` per trait: atomic per document on MongoDB, so concurrent identifies of one customer all land.
   * FerretDB applies it as read-then-write and can drop traits of concurrent identifies; the events keep them.
   * The per-customer lock only reduces that to identifies handled by different API processes.
   */
  const applyTraits = async (doc: EventDoc) => {
    const $set: Record<string, unknown> = { updatedAt: doc.receivedAt };
    for (const [key, value] of Object.entries(doc.traits ?? {})) $set[`traits.${key}`] = value;
    const upsert = () =>
      profiles.updateOne(
        { _id: doc.customerId as never },
        { $set, $setOnInsert: { createdAt: doc.receivedAt } },
        { upsert: true },
      );
    // Racing first writes of a new profile: the loser's insert hits the `_id`, and as an update it succeeds.
    await profileWrites.run(doc.customerId, () =>
      upsert().catch((error) => {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return upsert();
        throw error;
      }),
    );
  };

  /** Inserting (and ignoring a duplicate) is much cheaper than an upsert on FerretDB. */
  const ensureProfile = (doc: EventDoc) =>
    insertOnce(
      profiles as Collection<{ _id: string }>,
      {
        _id: doc.customerId,
        traits: {},
        createdAt: doc.receivedAt,
        updatedAt: doc.receivedAt,
      } as { _id: string },
    );

  /** Enters matching live journeys, then signals every active enrollment of the customer. */
  const route = async (doc: EventDoc) => {
    if (doc.type === 'identify') {
      await applyTraits(doc);
    } else {
      await ensureProfile(doc);
      const event = toEvent(doc);
      const entered = new Set<string>();
      for (const journey of await journeys.liveOnEvent(doc.event)) {
        const outcome = await enrollments.enter(journey, doc.customerId, event, doc._id);
        if (outcome.entered) entered.add(outcome.enrollmentId);
      }
      // A new enrollment already holds its trigger event; everyone else active gets it as a signal.
      await enrollments.deliverEvent(event, entered);
    }
    await pending.deleteOne({ _id: doc._id });
  };

  return {
    /** Persists first, then routes; a repeated messageId is a no-op unless its routing never finished. */
    async accept(calls: Call[], batch: boolean): Promise<{ accepted: number; duplicates: number }> {
      const docs = calls.map((call, i) => normalise(call, batch ? i : null));
      let duplicates = 0;
      for (const doc of docs) {
        // The marker goes first: until routing finishes it says "route me", and the sweeper obeys it.
        const fresh = await insertOnce(pending, { _id: doc._id, receivedAt: doc.receivedAt });
        if (!(await insertOnce(events, doc)) && fresh) {
          await pending.deleteOne({ _id: doc._id });
          duplicates++;
          continue;
        }
        await route(doc);
      }
      return { accepted: docs.length - duplicates, duplicates };
    },

    /**
     * Re-routes events whose routing was interrupted (a crash or an unreachable Temporal). With `untilMs`
     * (when the caller's sweep lease lapses) it stops taking events at that time, so sweeps never overlap.
     */
    async sweepUnrouted(olderThanMs = 30_000, untilMs = Number.POSITIVE_INFINITY): Promise<number> {
      const cutoff = new Date(Date.now() - olderThanMs).toISOString();
      const stuck = await pending
        .find({ receivedAt: { $lt: cutoff } })
        .limit(500)
        .toArray();
      let swept = 0;
      for (const { _id } of stuck) {
        if (Date.now() >= untilMs) break;
        swept++;
        const doc = await events.findOne({ _id });
        if (!doc) await pending.deleteOne({ _id });
        // One event that keeps failing must not hold up the others; it stays pending for the next sweep.
        else
          await route(doc).catch((error) =>
            console.error(`routing ${_id} failed again: ${(error as Error).message}`),
          );
      }
      return swept;
    },

    /** One sweep across all API processes per period: only the holder of the period's lease sweeps. */
    async sweepWithLease(holder: string, periodMs = 30_000): Promise<number | null> {
      const until = await sweepLease.claim('sweep', periodMs, holder);
      return until === null ? null : this.sweepUnrouted(periodMs, until);
    },

    async recentForCustomer(customerId: string, limit = 50) {
      const docs = await events
        .find({ customerId, type: 'track' })
        .sort({ timestamp: -1 })
        .limit(limit)
        .toArray();
      return docs.map(toEvent);
    },

    async eventNames(): Promise<string[]> {
      const names = await events.distinct('event', { type: 'track' });
      return (names as string[]).sort();
    },
  };
}

export type IngestionService = ReturnType<typeof ingestionService>;
