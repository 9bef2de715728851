import { type AnalyticsSettings, COLLECTIONS, decodeRecord, type RevenueSettings } from '@itinera/schemas';
import type { Db } from 'mongodb';

export interface Purchase {
  eventId: string;
  customerId: string;
  timestamp: string;
  amount: number;
}

export interface Touch {
  journeyId: string;
  nodeId: string;
  channel: string;
  enrollmentId: string;
  sentAtMs: number;
}

/** Per-journey analytics settings (revenue attribution), one document per journey. */
export function analyticsSettings(db: Db) {
  const docs = db.collection<{ _id: string } & AnalyticsSettings>(COLLECTIONS.analyticsSettings);
  return {
    async get(journeyId: string): Promise<AnalyticsSettings> {
      const doc = await docs.findOne({ _id: journeyId });
      return { revenue: doc?.revenue ?? null };
    },
    /** Saves, and asks the next fold to recompute the journey's buckets under the new settings. */
    async put(journeyId: string, settings: AnalyticsSettings) {
      await docs.replaceOne({ _id: journeyId }, settings, { upsert: true });
      await db
        .collection<{ _id: string; journeyId: string; at: string }>(COLLECTIONS.analyticsState)
        .replaceOne(
          { _id: `rebuild:${journeyId}` },
          { journeyId, at: new Date().toISOString() },
          { upsert: true },
        );
    },
    /** Every journey that attributes revenue, by journey id. */
    async allRevenue(): Promise<Map<string, RevenueSettings>> {
      const all = await docs.find({ revenue: { $ne: null } }).toArray();
      return new Map(all.filter((d) => d.revenue).map((d) => [d._id, d.revenue as RevenueSettings]));
    },
  };
}

/** The amount a conversion event carries, or null when the property is missing or not a finite number. */
export function purchaseOf(doc: Record<string, unknown>, property: string): Purchase | null {
  const value = decodeRecord(doc.properties)[property];
  const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  return {
    eventId: String(doc._id),
    customerId: String(doc.customerId),
    timestamp: String(doc.timestamp),
    amount,
  };
}

/**
 * Last-touch attribution: the purchase goes to the journey whose message last reached the customer at or
 * before the purchase, among journeys attributing this event, if that message is within the journey's
 * window (inclusive). A purchase is credited to at most one journey.
 */
export async function lastTouch(
  db: Db,
  purchase: Pick<Purchase, 'customerId' | 'timestamp'>,
  event: string,
  revenue: Map<string, RevenueSettings>,
): Promise<Touch | null> {
  const journeys = [...revenue].filter(([, s]) => s.event === event).map(([id]) => id);
  if (journeys.length === 0) return null;
  const atMs = Date.parse(purchase.timestamp);
  const [touch] = await db
    .collection(COLLECTIONS.deliveries)
    .find(
      {
        customerId: purchase.customerId,
        status: 'sent',
        journeyId: { $in: journeys },
        sentAtMs: { $lte: atMs },
      },
      { projection: { journeyId: 1, nodeId: 1, channel: 1, enrollmentId: 1, sentAtMs: 1 } },
    )
    .sort({ sentAtMs: -1 })
    .limit(1)
    .toArray();
  if (!touch) return null;
  const settings = revenue.get(touch.journeyId)!;
  if (atMs - touch.sentAtMs > settings.windowHours * 3_600_000) return null;
  return {
    journeyId: touch.journeyId,
    nodeId: touch.nodeId,
    channel: touch.channel,
    enrollmentId: touch.enrollmentId,
    sentAtMs: touch.sentAtMs,
  };
}
