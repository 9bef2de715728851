import { COLLECTIONS, type JourneyGraph, type RevenueSettings } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { armRulesOf } from '../../experiments/rules.ts';
import { lastTouch } from './revenue.ts';
import { type FactSource, lookUpEach } from './sources.ts';

type Mark = (journeyId: unknown, at: unknown) => void;

/** Marks the entry hour of each enrollment, looked up by `_id` (the lookup every store serves by index). */
async function markEntryHours(db: Db, ids: string[], mark: Mark) {
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const projection = { journeyId: 1, enteredAt: 1 };
  const docs = await lookUpEach(ids, (id) => enrollments.findOne({ _id: id as never }, { projection }));
  for (const doc of docs) mark(doc.journeyId, doc.enteredAt);
}

/** Every event some journey version credits revenue for, to a split arm or to its holdout. */
async function armRevenueEvents(db: Db): Promise<string[]> {
  const versions = await db
    .collection<{ graph: JourneyGraph }>(COLLECTIONS.versions)
    .find({}, { projection: { graph: 1 } })
    .toArray();
  const names = new Set<string>();
  for (const { graph } of versions) {
    const rules = armRulesOf(graph);
    for (const rule of [rules.holdoutRevenue, ...rules.splits.map((s) => s.revenue)])
      if (rule) names.add(rule.event);
  }
  return [...names];
}

/**
 * Marks every (journey, hour) bucket a fact recorded since `since` belongs to, reading the facts `source`
 * yields (by fold key; or, once, by time: each time field an indexed `$or` branch on MongoDB, one scan
 * each on FerretDB, which filters ranges itself). Arm figures live in the enrollment's entry hour (arms.ts), so an end, an assignment at a
 * split (which may come long after entry), a click, or a revenue event of the customer (for each of their
 * enrollments entered before it) also marks that hour.
 */
export async function markChanges(
  db: Db,
  since: string,
  source: FactSource,
  revenue: Map<string, RevenueSettings>,
  mark: Mark,
): Promise<void> {
  const after = { $gte: since };
  const recent = (at: unknown) => typeof at === 'string' && at >= since;
  const entries = new Set<string>();

  const enrollments = source(
    COLLECTIONS.enrollments,
    { $or: [{ enteredAt: after }, { endedAt: after }] },
    { journeyId: 1, enteredAt: 1, endedAt: 1 },
  );
  const seen = new Set<string>();
  for await (const e of enrollments) {
    seen.add(String(e._id));
    mark(e.journeyId, e.enteredAt);
    if (recent(e.endedAt)) mark(e.journeyId, e.endedAt);
  }
  const steps = source(
    COLLECTIONS.steps,
    { at: after },
    { journeyId: 1, at: 1, enrollmentId: 1, nodeType: 1 },
  );
  for await (const s of steps) {
    mark(s.journeyId, s.at);
    if (s.nodeType === 'split') entries.add(String(s.enrollmentId));
  }
  const deliveries = db.collection(COLLECTIONS.deliveries);
  const changed = source(
    COLLECTIONS.deliveries,
    { $or: [{ updatedAt: after }, { lastOpenedAt: after }, { lastClickedAt: after }] },
    { journeyId: 1, createdAt: 1, enrollmentId: 1, lastClickedAt: 1 },
  );
  for await (const d of changed) {
    mark(d.journeyId, d.createdAt);
    if (recent(d.lastClickedAt)) entries.add(String(d.enrollmentId));
  }
  // Enrollments found above have their entry hour marked already (a backfill finds every one).
  await markEntryHours(
    db,
    [...entries].filter((id) => !seen.has(id)),
    mark,
  );

  const attributed = [...new Set([...revenue.values()].map((s) => s.event))];
  const armEvents = await armRevenueEvents(db);
  const names = [...new Set(['unsubscribed', ...attributed, ...armEvents])];
  const events = source(
    COLLECTIONS.events,
    { event: { $in: names }, receivedAt: after },
    { event: 1, customerId: 1, timestamp: 1 },
  );
  const latest = new Map<string, string>();
  for await (const event of events) {
    if (!names.includes(event.event)) continue;
    if (event.event === 'unsubscribed') {
      const id = String(event._id).replace(/^unsubscribe:/, '');
      const delivery = await deliveries.findOne(
        { _id: id as never },
        { projection: { journeyId: 1, createdAt: 1 } },
      );
      if (delivery) mark(delivery.journeyId, delivery.createdAt);
    }
    // The same event may also be a conversion event.
    if (attributed.includes(event.event)) {
      const touch = await lastTouch(
        db,
        { customerId: event.customerId, timestamp: event.timestamp },
        event.event,
        revenue,
      );
      if (touch) mark(touch.journeyId, event.timestamp);
    }
    // A backfill (no checkpoint) has marked every entry hour already.
    if (since !== '' && armEvents.includes(event.event)) {
      const known = latest.get(event.customerId);
      if (!known || event.timestamp > known) latest.set(event.customerId, event.timestamp);
    }
  }
  for (const [customerId, timestamp] of latest) {
    const entered = db
      .collection(COLLECTIONS.enrollments)
      .find({ customerId, enteredAt: { $lte: timestamp } }, { projection: { journeyId: 1, enteredAt: 1 } });
    for await (const entry of entered) mark(entry.journeyId, entry.enteredAt);
  }
}
