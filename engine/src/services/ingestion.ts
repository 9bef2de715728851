import { KeyedLock } from '@itinera/nodes/keyed-lock';
import { type EmitOptions, insertEach, insertOnce, type PendingRouteDoc } from '@itinera/nodes/segments';
import { COLLECTIONS, foldKeyOf } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
import { computedAttributeService } from './computed.ts';
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
import { leases } from './lease.ts';
import { newCustomers } from './new-customers.ts';
import { parkedRoutes } from './parked-routes.ts';
import { recentCustomers } from './recent-customers.ts';
import { TemporalUnavailableError } from './routing.ts';

const DUPLICATE_KEY = 11000;

export type { Call } from './event-parsing.ts';

/** Further work on an accepted event after journeys (segments); `options` says what its emitter already did. */
type RouteStep = (doc: EventDoc, options: EmitOptions) => Promise<void>;

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
  const pending = db.collection<PendingRouteDoc>(COLLECTIONS.pendingRoutes);
  const sweepLease = leases(db);
  const profileWrites = new KeyedLock();
  /** Further work on every accepted event (segments), done before its pending marker goes, so it is retried too. */
  const routeSteps: RouteStep[] = [];
  const computed = computedAttributeService(db);
  const recent = recentCustomers(db);
  const ensureCustomers = newCustomers(db);

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

  /** Enters matching live journeys, then signals every active enrollment of the customer. */
  const route = async (doc: EventDoc, options: EmitOptions = {}) => {
    if (doc.traits) {
      await Promise.all([applyTraits(doc), recent.touch(doc.customerId, doc.receivedAt)]);
    } else if (isRouted(doc)) {
      await ensureCustomers([doc.customerId], doc.receivedAt);
      const event = toEvent(doc);
      // Before journeys see the event, so their conditions read the values it changed.
      await computed.onEvent(event);
      const entered = new Set<string>();
      for (const journey of await journeys.liveOnEvent(doc.event)) {
        const outcome = await enrollments.enter(journey, doc.customerId, event, doc._id);
        if (outcome.entered) entered.add(outcome.enrollmentId);
      }
      // A new enrollment already holds its trigger event; everyone else active gets it as a signal.
      await enrollments.deliverEvent(event, entered);
    }
    for (const step of routeSteps) await step(doc, options);
    await pending.deleteOne({ _id: doc._id });
  };

  /** Routes a stored, marked event; true when Temporal was unreachable and the sweeper will deliver it. */
  const routeOrDefer = async (doc: EventDoc, options: EmitOptions = {}): Promise<boolean> => {
    try {
      await route(doc, options);
      return false;
    } catch (error) {
      if (!(error instanceof TemporalUnavailableError)) throw error;
      // Stored and marked: the sweeper delivers it as soon as Temporal answers again.
      await pending.updateOne({ _id: doc._id }, { $set: { deferred: true } });
      return true;
    }
  };

  return {
    /** Persists first, then routes; a repeated messageId is a no-op unless its routing never finished. */
    async accept(
      calls: Call[],
      batch: boolean,
      options: EmitOptions = {},
    ): Promise<{ accepted: number; duplicates: number; deferred: number }> {
      // Every call is checked and encoded before any is stored: a bad item refuses the batch, whole.
      const docs = calls.map((call, i) => normalise(call, batch ? i : null, limits));
      await identity.prepare(docs, batch);
      let duplicates = 0;
      let deferred = 0;
      for (const doc of docs) {
        await identity.link(doc);
        // The marker goes first: until routing finishes it says "route me", and the sweeper obeys it.
        const evaluated = options.referrersEvaluated ? { referrersEvaluated: true } : {};
        const fresh = await insertOnce(pending, { _id: doc._id, receivedAt: doc.receivedAt, ...evaluated });
        if (!(await insertOnce(events, { ...doc, foldKey: foldKeyOf() })) && fresh) {
          await pending.deleteOne({ _id: doc._id });
          duplicates++;
          continue;
        }
        await identity.settle(doc);
        if (await routeOrDefer(doc, options)) deferred++;
      }
      return { accepted: docs.length - duplicates, duplicates, deferred };
    },

    /**
     * Records an event the engine itself raises for a change it makes (`write`), then routes it. The routing
     * marker and the event are stored before the write, so once the write is done its routing (segments
     * re-reading what it changed) is finished by the sweeper if this process dies. If the write fails, the
     * event is routed later all the same: routing reads the current state, so that only costs an evaluation
     * that changes nothing. The customer id must be final and the message id new.
     */
    async acceptWith(call: Call, write: () => Promise<void>): Promise<void> {
      const doc = normalise(call, null, limits);
      await insertOnce(pending, { _id: doc._id, receivedAt: doc.receivedAt });
      await insertOnce(events, { ...doc, foldKey: foldKeyOf() });
      await write();
      await routeOrDefer(doc);
    },

    /**
     * Stores events for the customer's history that nothing would route (no journey, wait, segment or
     * computed attribute listens for them): without the routing marker, profile or identity work. The caller
     * knows the customer id is final. A repeated messageId is a no-op.
     */
    async storeUnrouted(calls: Call[]): Promise<void> {
      await insertEach(
        events,
        calls.map((call) => ({ ...normalise(call, null, limits), foldKey: foldKeyOf() })),
      );
    },

    /**
     * Re-routes events whose routing was interrupted: those deferred while Temporal was unreachable at
     * once, any other (a crashed process) once it is older than `olderThanMs`. With `untilMs` (when the
     * caller's sweep lease lapses) it stops taking events at that time, so sweeps never overlap.
     */
    async sweepUnrouted(olderThanMs = 30_000, untilMs = Number.POSITIVE_INFINITY): Promise<number> {
      const cutoff = new Date(Date.now() - olderThanMs).toISOString();
      const stuck = await pending
        .find({ $or: [{ deferred: true }, { receivedAt: { $lt: cutoff } }], ...parked.unparked })
        .sort({ receivedAt: 1 })
        .limit(500)
        .toArray();
      let swept = 0;
      for (const { _id, referrersEvaluated } of stuck) {
        if (Date.now() >= untilMs) break;
        swept++;
        const doc = await events.findOne({ _id });
        if (!doc) await pending.deleteOne({ _id });
        // One event that keeps failing must not hold up the others; after too many failures it is parked.
        // An unreachable Temporal is not the event's fault: it is neither counted nor parked.
        else {
          const failure = await route(doc, { referrersEvaluated }).then(
            () => null,
            (error: Error) => error,
          );
          if (failure instanceof TemporalUnavailableError) break;
          if (failure) await parked.recordFailure(_id, failure);
        }
      }
      return swept;
    },

    /** One sweep across all API processes per period: only the holder of the period's lease sweeps. */
    async sweepWithLease(holder: string, periodMs = 30_000, olderThanMs = 30_000): Promise<number | null> {
      const until = await sweepLease.claim('sweep', periodMs, holder);
      return until === null ? null : this.sweepUnrouted(olderThanMs, until);
    },

    parked,
    computed,

    /** Adds a step every accepted event goes through, retried by the sweeper like the rest of routing. */
    addRouteStep(step: RouteStep) {
      routeSteps.push(step);
    },

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
