import { COLLECTIONS } from '@itinera/schemas';
import { type Collection, type Db, MongoServerError } from 'mongodb';
import type { EnrollmentService } from './enrollments.ts';
import { eventLimitsFromEnv } from './event-limits.ts';
import {
  type Call,
  type EventDoc,
  isRouted,
  normalise,
  ROUTED_TYPES,
  toEvent,
  toStoredEvent,
} from './event-parsing.ts';
import { identityService } from './identity.ts';
import type { JourneyService } from './journeys.ts';
import { parkedRoutes } from './parked-routes.ts';

const DUPLICATE_KEY = 11000;

export type { Call } from './event-parsing.ts';

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

export function ingestionService(
  db: Db,
  journeys: JourneyService,
  enrollments: EnrollmentService,
  limits = eventLimitsFromEnv(),
) {
  const identity = identityService(db, limits);
  const parked = parkedRoutes(db);
  const events = db.collection<EventDoc>(COLLECTIONS.events);
  const profiles = db.collection<{ _id: string } & Record<string, unknown>>(COLLECTIONS.profiles);
  /** Events accepted but not yet fully routed; small, so the sweeper's scan stays cheap. */
  const pending = db.collection<{ _id: string; receivedAt: string }>(COLLECTIONS.pendingRoutes);

  const applyTraits = async (doc: EventDoc) => {
    const $set: Record<string, unknown> = { updatedAt: doc.receivedAt };
    for (const [key, value] of Object.entries(doc.traits ?? {})) $set[`traits.${key}`] = value;
    await profiles.updateOne(
      { _id: doc.customerId as never },
      { $set, $setOnInsert: { createdAt: doc.receivedAt } },
      { upsert: true },
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
  const route = (doc: EventDoc) => enrollments.forCustomer(doc.customerId, () => routeNow(doc));
  const routeNow = async (doc: EventDoc) => {
    if (doc.traits) {
      await applyTraits(doc);
    } else if (isRouted(doc)) {
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
      // Every call is checked and encoded before any is stored: a bad item refuses the batch, whole.
      const docs = calls.map((call, i) => normalise(call, batch ? i : null, limits));
      await identity.prepare(docs, batch);
      let duplicates = 0;
      for (const doc of docs) {
        await identity.link(doc);
        // The marker goes first: until routing finishes it says "route me", and the sweeper obeys it.
        const fresh = await insertOnce(pending, { _id: doc._id, receivedAt: doc.receivedAt });
        if (!(await insertOnce(events, doc)) && fresh) {
          await pending.deleteOne({ _id: doc._id });
          duplicates++;
          continue;
        }
        await identity.settle(doc);
        await route(doc);
      }
      return { accepted: docs.length - duplicates, duplicates };
    },

    /** Re-routes events whose routing was interrupted (a crash or an unreachable Temporal). */
    async sweepUnrouted(olderThanMs = 30_000): Promise<number> {
      const cutoff = new Date(Date.now() - olderThanMs).toISOString();
      const stuck = await pending
        .find({ receivedAt: { $lt: cutoff }, ...parked.unparked })
        .limit(500)
        .toArray();
      for (const { _id } of stuck) {
        const doc = await events.findOne({ _id });
        if (!doc) await pending.deleteOne({ _id });
        // One event that keeps failing must not hold up the others; after too many failures it is parked.
        else await route(doc).catch((error) => parked.recordFailure(_id, error));
      }
      return stuck.length;
    },

    parked,

    async recentForCustomer(customerId: string, limit = 50) {
      const docs = await events
        .find({ customerId, type: { $in: [...ROUTED_TYPES] } })
        .sort({ timestamp: -1 })
        .limit(limit)
        .toArray();
      return docs.map(toStoredEvent);
    },

    async eventNames(): Promise<string[]> {
      const names = await events.distinct('event', { type: { $in: [...ROUTED_TYPES] } });
      return (names as string[]).sort();
    },
  };
}

export type IngestionService = ReturnType<typeof ingestionService>;
