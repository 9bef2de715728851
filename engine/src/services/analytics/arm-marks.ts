import { COLLECTIONS, type JourneyGraph } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { armRulesOf } from '../../experiments/rules.ts';

const LOOKUPS_IN_FLIGHT = 16;
type Mark = (journeyId: unknown, at: unknown) => void;

/** Marks the entry hour of each enrollment, looked up by `_id` (the lookup every store serves by index). */
async function markEntryHours(db: Db, ids: string[], mark: Mark) {
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const projection = { journeyId: 1, enteredAt: 1 };
  for (let i = 0; i < ids.length; i += LOOKUPS_IN_FLIGHT) {
    const batch = ids.slice(i, i + LOOKUPS_IN_FLIGHT);
    const docs = await Promise.all(
      batch.map((id) => enrollments.findOne({ _id: id as never }, { projection })),
    );
    for (const doc of docs) if (doc) mark(doc.journeyId, doc.enteredAt);
  }
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
 * Arm figures live in the enrollment's entry hour (arms.ts), so a fact recorded since `since` that changes
 * one marks that hour: an assignment at a split (which may come long after entry), a click, or a revenue
 * event of the customer (marking each of their enrollments entered before it). Ends are marked by the fold.
 */
export async function markArmChanges(db: Db, since: string, mark: Mark): Promise<void> {
  const after = { $gte: since };
  const ids = new Set<string>();
  const splits = db
    .collection(COLLECTIONS.steps)
    .find({ nodeType: 'split', at: after }, { projection: { enrollmentId: 1 } });
  for await (const step of splits) ids.add(String(step.enrollmentId));
  const clicks = db
    .collection(COLLECTIONS.deliveries)
    .find({ lastClickedAt: after }, { projection: { enrollmentId: 1 } });
  for await (const delivery of clicks) ids.add(String(delivery.enrollmentId));
  await markEntryHours(db, [...ids], mark);

  const names = await armRevenueEvents(db);
  if (names.length === 0) return;
  const latest = new Map<string, string>();
  const events = db
    .collection(COLLECTIONS.events)
    .find({ event: { $in: names }, receivedAt: after }, { projection: { customerId: 1, timestamp: 1 } });
  for await (const { customerId, timestamp } of events) {
    const known = latest.get(customerId);
    if (!known || timestamp > known) latest.set(customerId, timestamp);
  }
  for (const [customerId, timestamp] of latest) {
    const entries = db
      .collection(COLLECTIONS.enrollments)
      .find({ customerId, enteredAt: { $lte: timestamp } }, { projection: { journeyId: 1, enteredAt: 1 } });
    for await (const entry of entries) mark(entry.journeyId, entry.enteredAt);
  }
}
