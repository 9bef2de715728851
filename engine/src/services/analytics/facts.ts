import { COLLECTIONS, type RevenueSettings } from '@itinera/schemas';
import type { Db, Document, FindOptions } from 'mongodb';
import { receiptsOfDeliveries } from './receipts.ts';
import { lastTouch, type Purchase, purchaseOf, type Touch } from './revenue.ts';
import { HOUR_MS, hourOf, isoHour } from './rows.ts';
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

/**
 * Past this many enrollments (or a tenth of the journey's entrants, if more) a window reads the journey's
 * enrollments and steps whole rather than by id.
 */
const BY_ID_LIMIT = 1_000;
const BY_ID_SHARE = 10;
/** Lookups a fold keeps in flight: fewer than a request's, so a long pass leaves the store to ingestion. */
const FOLD_LOOKUPS = 4;
/** A busy hour's facts are read this many at a time, resting as long as each batch took. */
const PACE_BATCH = 500;

/**
 * The first of the stamped hours that run without a gap to the last one, when that one has begun by now
 * (so nobody read has a later step yet); none otherwise.
 */
function completeFrom(stampedHours: number[] | null): number {
  const hours = stampedHours ?? [];
  if (hours.length === 0 || hours[hours.length - 1] < Date.now() - HOUR_MS) return Number.POSITIVE_INFINITY;
  let k = hours.length - 1;
  while (k > 0 && hours[k - 1] === hours[k] - HOUR_MS) k--;
  return hours[k];
}

export interface FactOptions {
  /** Hours (ascending) whose every fact carries its hour stamp: only their facts are read, by that stamp. */
  stampedHours?: number[] | null;
  /** How many enrollments the journey has had (as of the last fold), when known. */
  journeySize?: number;
}

/**
 * Every fact of a journey in [fromMs, toMs): enrollments entered and ended, steps, deliveries created
 * (with current status, opens and clicks), their unsubscribes, and conversion events credited to the
 * journey; plus each concerned enrollment's version, timeline and split branches taken (its variants).
 * Given `stampedHours`, only those hours' facts are read, each by an equality on its stamp: the cost
 * follows those hours, not the journey's size.
 */
export async function loadFacts(
  db: Db,
  journeyId: string,
  fromMs: number,
  toMs: number,
  revenue: Map<string, RevenueSettings>,
  { stampedHours = null, journeySize = 0 }: FactOptions = {},
) {
  const range = { $gte: isoHour(fromMs), $lt: isoHour(toMs) };
  /** One query per stamped hour, or one by the time field's range (a journey-wide scan on FerretDB). */
  const inWindow = async (
    collection: string,
    timeField: string,
    stamp: string,
    options: FindOptions = {},
  ) => {
    const docs = db.collection(collection);
    if (!stampedHours) return docs.find({ journeyId, [timeField]: range }, options).toArray();
    const found: Document[] = [];
    for (const hour of stampedHours) {
      const cursor = docs.find({ journeyId, [stamp]: isoHour(hour) }, { ...options, batchSize: PACE_BATCH });
      let batchStarted = performance.now();
      for await (const doc of cursor) {
        found.push(doc);
        if (found.length % PACE_BATCH !== 0) continue;
        await new Promise((resolve) => setTimeout(resolve, performance.now() - batchStarted));
        batchStarted = performance.now();
      }
    }
    return found;
  };
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
  // One read at a time: on FerretDB a read by time (not by stamp) reads the journey's documents, and four
  // together they took both cores of a small machine from ingestion while a busy journey was folded.
  const entered = await inWindow(COLLECTIONS.enrollments, 'enteredAt', 'enteredHour', { projection });
  const ended = await inWindow(COLLECTIONS.enrollments, 'endedAt', 'endedHour', { projection });
  const steps = (await inWindow(COLLECTIONS.steps, 'at', 'hour')) as StepDoc[];
  const deliveries = await inWindow(COLLECTIONS.deliveries, 'createdAt', 'createdHour');
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
  // Entered in the hours read up to the window's last one: every step those hours' rows need was read above.
  const wholeFrom = completeFrom(stampedHours);
  const whole = new Set(entered.filter((e) => hourOf(e.enteredAt) >= wholeFrom).map((e) => String(e._id)));
  const others = ids.filter((id) => !whole.has(id));
  // By id is cheap on MongoDB; FerretDB scans for `$in`, so a big window reads the journey once instead.
  const byIds = others.length <= Math.max(BY_ID_LIMIT, journeySize / BY_ID_SHARE);
  // Enrollments entered or ended in the window were read whole (their projection) already.
  const byId = new Map<string, Document>([...entered, ...ended].map((e) => [String(e._id), e]));
  const owners = byIds
    ? await lookUpEach(
        others.filter((id) => !byId.has(id)),
        (id) => enrollments.findOne({ _id: id as never }, { projection }),
        FOLD_LOOKUPS,
      )
    : await enrollments.find({ journeyId }, { projection }).toArray();
  const timelines = byIds
    ? [
        ...steps.filter((step) => whole.has(step.enrollmentId)),
        ...(await lookUpEach(others, (id) => stepsOf.find({ enrollmentId: id }).toArray(), FOLD_LOOKUPS)),
      ]
    : await stepsOf.find({ journeyId, at: { $lt: range.$lt } }).toArray();
  for (const owner of owners) byId.set(String(owner._id), owner);
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
