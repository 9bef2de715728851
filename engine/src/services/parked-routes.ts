import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { EventDoc } from './event-parsing.ts';

/** A pending route (see COLLECTIONS.pendingRoutes), with what its failed sweeps left behind. */
export interface PendingRoute {
  _id: string;
  receivedAt: string;
  attempts?: number;
  lastError?: string;
  /** Set once routing failed `maxAttempts` times: the sweeper leaves it alone until someone retries it. */
  parkedAt?: string;
}

export interface ParkedEvent {
  messageId: string;
  customerId: string | null;
  event: string | null;
  receivedAt: string;
  attempts: number;
  reason: string;
  parkedAt: string;
}

const OUTAGE_NAMES = new Set(['MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError']);
/** gRPC UNAVAILABLE and DEADLINE_EXCEEDED: Temporal could not be reached. */
const OUTAGE_GRPC_CODES = new Set([14, 4]);

/** True when the failure says a server was unreachable rather than that this event cannot be routed. */
export function isOutage(error: unknown): boolean {
  for (
    let e = error as { name?: string; code?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    i++
  ) {
    if (OUTAGE_NAMES.has(e.name ?? '')) return true;
    if (typeof e.code === 'number' && OUTAGE_GRPC_CODES.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

export function maxRouteAttemptsFromEnv(): number {
  const raw = process.env.ITINERA_ROUTE_MAX_ATTEMPTS;
  const value = raw ? Number(raw) : 5;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`ITINERA_ROUTE_MAX_ATTEMPTS must be a positive integer, not "${raw}"`);
  return value;
}

/** Routing failures: counted per event, parked with their reason after too many, listed and retried by hand. */
export function parkedRoutes(db: Db, maxAttempts = maxRouteAttemptsFromEnv()) {
  const pending = db.collection<PendingRoute>(COLLECTIONS.pendingRoutes);
  const events = db.collection<EventDoc>(COLLECTIONS.events);
  return {
    /** The filter for routes the sweeper may retry. */
    unparked: { parkedAt: { $exists: false } },

    /**
     * Counts a failed routing attempt; true when this one parked the route. An outage (store or Temporal
     * unreachable) is not the event's fault: it is noted but not counted, so an outage parks nothing.
     */
    async recordFailure(id: string, error: unknown): Promise<boolean> {
      const reason = (error as Error)?.message ?? String(error);
      const outage = isOutage(error);
      const doc = await pending.findOneAndUpdate(
        { _id: id },
        { ...(outage ? {} : { $inc: { attempts: 1 } }), $set: { lastError: reason.slice(0, 1000) } },
        { returnDocument: 'after' },
      );
      if (!doc || (doc.attempts ?? 0) < maxAttempts || doc.parkedAt) return false;
      await pending.updateOne({ _id: id }, { $set: { parkedAt: new Date().toISOString() } });
      console.error(`routing ${id} failed ${doc.attempts} times; parked: ${reason}`);
      return true;
    },

    async list(limit = 100): Promise<ParkedEvent[]> {
      const parked = await pending
        .find({ parkedAt: { $exists: true } })
        .sort({ parkedAt: -1 })
        .limit(limit)
        .toArray();
      const docs = await events
        .find({ _id: { $in: parked.map((p) => p._id) } }, { projection: { customerId: 1, event: 1 } })
        .toArray();
      const byId = new Map(docs.map((d) => [d._id, d]));
      return parked.map((p) => ({
        messageId: p._id,
        customerId: byId.get(p._id)?.customerId ?? null,
        event: byId.get(p._id)?.event ?? null,
        receivedAt: p.receivedAt,
        attempts: p.attempts ?? 0,
        reason: p.lastError ?? '',
        parkedAt: p.parkedAt as string,
      }));
    },

    /** Hands a parked route back to the sweeper with a fresh count; false when it is not parked. */
    async retry(id: string): Promise<boolean> {
      const result = await pending.updateOne(
        { _id: id, parkedAt: { $exists: true } },
        {
          $unset: { parkedAt: '', attempts: '', lastError: '' },
          $set: { receivedAt: new Date(0).toISOString() },
        },
      );
      return result.matchedCount === 1;
    },
  };
}

export type ParkedRoutes = ReturnType<typeof parkedRoutes>;
