import { COLLECTIONS, type RevenueSettings } from '@itinera/schemas';
import type { Db, Document } from 'mongodb';
import { receiptsOfDeliveries } from './receipts.ts';
import { lastTouch, type Purchase, purchaseOf, type Touch } from './revenue.ts';
import { isoHour } from './rows.ts';
import { lookUpEach } from './sources.ts';

export interface StepDoc {
  enrollmentId: string;
  nodeId: string;
  nodeType: string;
  port: string | null;
  at: string;
  visit: number;
  outcome?: string;
  /** Where the enrollment went next (null at its end); absent on steps of releases before it. */
  next?: string | null;
  data?: { migrationId?: string; toNodeId?: string };
}

/** Past this many enrollments a window reads the journey's enrollments and steps whole, not by id. */
const BY_ID_LIMIT = 1_000;

/**
 * Every fact of a journey in [fromMs, toMs): enrollments entered and ended, steps, deliveries created
 * (with current status, opens and clicks), their unsubscribes, and conversion events credited to the
 * journey; plus each concerned enrollment's version, timeline and split branches taken (its variants).
 */
export async function loadFacts(
  db: Db,
  journeyId: string,
  fromMs: number,
  toMs: number,
  revenue: Map<string, RevenueSettings>,
) {
  const range = { $gte: isoHour(fromMs), $lt: isoHour(toMs) };
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const stepsOf = db.collection<StepDoc>(COLLECTIONS.steps);
  const projection = {
    version: 1,
    status: 1,
    endReason: 1,
    enteredAt: 1,
    endedAt: 1,
    customerId: 1,
    entryNodeId: 1,
  };
  // One read at a time: on FerretDB each reads the journey's documents and filters the range itself, and
  // together they took both cores of a small machine from ingestion while a busy journey was folded.
  const entered = await enrollments.find({ journeyId, enteredAt: range }, { projection }).toArray();
  const ended = await enrollments.find({ journeyId, endedAt: range }, { projection }).toArray();
  const steps = await stepsOf.find({ journeyId, at: range }).toArray();
  const deliveries = await db
    .collection(COLLECTIONS.deliveries)
    .find({ journeyId, createdAt: range })
    .toArray();
  const settings = revenue.get(journeyId);
  const purchases: { purchase: Purchase; touch: Touch }[] = [];
  if (settings) {
    const events = await db
      .collection(COLLECTIONS.events)
      .find({ event: settings.event, timestamp: range })
      .toArray();
    for (const event of events) {
      const at = { customerId: String(event.customerId), timestamp: String(event.timestamp) };
      const touch = await lastTouch(db, at, settings.event, revenue);
      const purchase = touch?.journeyId === journeyId ? purchaseOf(event, settings.property) : null;
      if (touch && purchase) purchases.push({ purchase, touch });
    }
  }
  const eventDocs = db.collection(COLLECTIONS.events);
  const unsubscribes = await lookUpEach(
    deliveries.map((d) => `unsubscribe:${d._id}`),
    (id) => eventDocs.findOne({ _id: id as never }, { projection: { _id: 1 } }),
  );
  const unsubscribed = new Set(unsubscribes.map((e) => String(e._id).slice('unsubscribe:'.length)));

  const receipts = await receiptsOfDeliveries(db, deliveries);

  const ids = [
    ...new Set([
      ...steps.map((s) => s.enrollmentId),
      ...deliveries.map((d) => String(d.enrollmentId)),
      ...purchases.map((p) => p.touch.enrollmentId),
      ...ended.map((e) => String(e._id)),
    ]),
  ];
  // By id is cheap on MongoDB; FerretDB scans for `$in`, so a big window reads the journey once instead.
  const byIds = ids.length <= BY_ID_LIMIT;
  const owners = byIds
    ? await lookUpEach(ids, (id) => enrollments.findOne({ _id: id as never }, { projection }))
    : await enrollments.find({ journeyId }, { projection }).toArray();
  const timelines = byIds
    ? await lookUpEach(ids, (id) => stepsOf.find({ enrollmentId: id }).toArray())
    : await stepsOf.find({ journeyId, at: { $lt: range.$lt } }).toArray();
  const byId = new Map<string, Document>(owners.map((e) => [String(e._id), e]));
  const variants = new Map<string, string[]>();
  const timeline = new Map<string, StepDoc[]>();
  for (const step of timelines) {
    if (!timeline.has(step.enrollmentId)) timeline.set(step.enrollmentId, []);
    timeline.get(step.enrollmentId)!.push(step);
    if (step.nodeType === 'split' && step.port) {
      const tags = variants.get(step.enrollmentId) ?? [];
      if (!tags.includes(`${step.nodeId}:${step.port}`)) tags.push(`${step.nodeId}:${step.port}`);
      variants.set(step.enrollmentId, tags);
    }
  }
  return {
    entered,
    ended,
    steps,
    deliveries,
    purchases,
    unsubscribed,
    receipts,
    version: (id: string) => (byId.get(id)?.version as number) ?? 0,
    enteredAt: (id: string) => byId.get(id)?.enteredAt as string | undefined,
    /** Where the enrollment entered, when it is counted in who waits where (waiting.ts). */
    entryNode: (id: string) => byId.get(id)?.entryNodeId as string | undefined,
    timeline: (id: string) => timeline.get(id) ?? [],
    tags: (id: string) => variants.get(id) ?? [],
  };
}

export type Facts = Awaited<ReturnType<typeof loadFacts>>;
