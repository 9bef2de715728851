import { COLLECTIONS, type RevenueSettings } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { lastTouch, purchaseOf } from './revenue.ts';
import { durationBin, HOUR_MS, isoHour, RowSet } from './rows.ts';

interface StepDoc {
  enrollmentId: string;
  nodeId: string;
  nodeType: string;
  port: string | null;
  at: string;
  visit: number;
}

const CHUNK = 500;
async function inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await load(ids.slice(i, i + CHUNK))));
  return out;
}

/** Groups end reasons: the goal's own text names the event time, so every conversion reads alike. */
const reasonKey = (status: string, reason: string | null) =>
  status === 'converted' ? 'goal reached' : (reason ?? '').slice(0, 120);
/** "unreachable: no email address" and "frequency cap: at most 2 email per 24h" group by their first part. */
const detailKey = (detail: string | undefined) => (detail ?? '').split(/[:(]/)[0].trim().slice(0, 60);

/**
 * Recomputes one (journey, UTC hour) bucket from the facts recorded one document per fact: enrollments
 * entered and ended in the hour, steps taken in it, deliveries created in it (with their current status,
 * opens, clicks and unsubscribes) and conversion events in it credited to the journey. The result depends
 * on the facts only, so recomputing is idempotent and any number of folds may do it.
 */
export async function recomputeBucket(
  db: Db,
  journeyId: string,
  hourMs: number,
  revenue: Map<string, RevenueSettings>,
): Promise<void> {
  const range = { $gte: isoHour(hourMs), $lt: isoHour(hourMs + HOUR_MS) };
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const projection = { version: 1, status: 1, endReason: 1, enteredAt: 1, endedAt: 1 };
  const [entered, ended, steps, deliveries] = await Promise.all([
    enrollments.find({ journeyId, enteredAt: range }, { projection }).toArray(),
    enrollments.find({ journeyId, endedAt: range }, { projection }).toArray(),
    db.collection<StepDoc>(COLLECTIONS.steps).find({ journeyId, at: range }).toArray(),
    db.collection(COLLECTIONS.deliveries).find({ journeyId, createdAt: range }).toArray(),
  ]);
  const settings = revenue.get(journeyId);
  const purchases = [];
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

  // Versions, variants (split branches taken) and timelines of every enrollment these facts belong to.
  const ids = [
    ...new Set([
      ...steps.map((s) => s.enrollmentId),
      ...deliveries.map((d) => String(d.enrollmentId)),
      ...purchases.map((p) => p.touch.enrollmentId),
      ...ended.map((e) => String(e._id)),
    ]),
  ];
  const owners = await inChunks(ids, (chunk) =>
    enrollments.find({ _id: { $in: chunk as never[] } }, { projection }).toArray(),
  );
  const timelines = await inChunks(ids, (chunk) =>
    db
      .collection<StepDoc>(COLLECTIONS.steps)
      .find({ enrollmentId: { $in: chunk } })
      .toArray(),
  );
  const byId = new Map(owners.map((e) => [String(e._id), e]));
  const version = (id: string) => (byId.get(id)?.version as number) ?? 0;
  const variants = new Map<string, string[]>();
  const timeline = new Map<string, StepDoc[]>();
  for (const step of timelines) {
    if (!timeline.has(step.enrollmentId)) timeline.set(step.enrollmentId, []);
    timeline.get(step.enrollmentId)!.push(step);
    if (step.nodeType === 'split' && step.port) {
      const tags = variants.get(step.enrollmentId) ?? [];
      tags.push(`${step.nodeId}:${step.port}`);
      variants.set(step.enrollmentId, [...new Set(tags)]);
    }
  }
  const tags = (id: string) => variants.get(id) ?? [];

  const rows = new RowSet();
  for (const e of entered) rows.add({ v: e.version, k: 'entered' });
  for (const e of ended) {
    const id = String(e._id);
    const last = (timeline.get(id) ?? []).find((s) => s.at === e.endedAt)?.nodeId;
    rows.addForVariants(
      { v: e.version, k: 'ended', p: e.status, n: last, r: reasonKey(e.status, e.endReason) },
      tags(id),
    );
    if (e.status === 'converted') {
      const ms = Date.parse(e.endedAt) - Date.parse(e.enteredAt);
      rows.add({ v: e.version, k: 'convertTime', p: String(durationBin(ms)), sum: ms });
    }
  }
  for (const step of steps) {
    const id = step.enrollmentId;
    rows.addForVariants({ v: version(id), k: 'passed', n: step.nodeId, p: step.port ?? '' }, tags(id));
    // Time at a node: from the previous step of the same enrollment (or its entry) to this one.
    const earlier = (timeline.get(id) ?? [])
      .filter((s) => s.at < step.at || (s.at === step.at && s.visit < step.visit && s.nodeId !== step.nodeId))
      .map((s) => s.at)
      .sort();
    const since = earlier.at(-1) ?? byId.get(id)?.enteredAt;
    if (since) {
      const ms = Math.max(0, Date.parse(step.at) - Date.parse(since));
      rows.add({ v: version(id), k: 'nodeTime', n: step.nodeId, p: String(durationBin(ms)), sum: ms });
    }
  }
  const unsubscribed = new Set(
    (
      await inChunks(
        deliveries.map((d) => `unsubscribe:${d._id}`),
        (chunk) =>
          db
            .collection(COLLECTIONS.events)
            .find({ _id: { $in: chunk as never[] } }, { projection: { _id: 1 } })
            .toArray(),
      )
    ).map((e) => String(e._id).slice('unsubscribe:'.length)),
  );
  for (const d of deliveries) {
    const id = String(d.enrollmentId);
    const key = { v: version(id), n: d.nodeId as string, c: d.channel as string };
    const skipped = d.status === 'skipped' || d.status === 'failed' || d.status === 'deferred';
    rows.addForVariants(
      { ...key, k: 'send', p: d.status, r: skipped ? detailKey(d.detail) : undefined },
      tags(id),
    );
    if (d.opens > 0) rows.addForVariants({ ...key, k: 'opens', sum: d.opens }, tags(id));
    if (d.clicks > 0) rows.addForVariants({ ...key, k: 'clicks', sum: d.clicks }, tags(id));
    if (unsubscribed.has(String(d._id))) rows.addForVariants({ ...key, k: 'unsub' }, tags(id));
  }
  for (const { purchase, touch } of purchases) {
    const id = touch.enrollmentId;
    rows.addForVariants(
      { v: version(id), k: 'revenue', n: touch.nodeId, c: touch.channel, sum: purchase.amount },
      tags(id),
    );
  }

  const doc = {
    journeyId,
    hour: isoHour(hourMs),
    rows: rows.toArray(),
    computedAt: new Date().toISOString(),
  };
  await db
    .collection(COLLECTIONS.rollups)
    .replaceOne({ _id: `${journeyId}|${doc.hour}` as never }, doc, { upsert: true });
}
