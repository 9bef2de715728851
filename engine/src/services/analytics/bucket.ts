import { COLLECTIONS, type RevenueSettings } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { armRowsByHour, loadArmFacts } from './arms.ts';
import { type Facts, loadFacts } from './facts.ts';
import { DAY_MS, durationBin, HOUR_MS, hourOf, isoHour, type Row, RowSet } from './rows.ts';
import { lookUpEach } from './sources.ts';
import { isEnd, moveOf, openPosition, readWaitingDoc } from './waiting.ts';

/** Buckets recomputed together read their facts with one set of queries. */
const WINDOW_MS = 24 * HOUR_MS;

/** Groups end reasons: the goal's own text names the event time, so every conversion reads alike. */
const reasonKey = (status: string, reason: string | null) =>
  status === 'converted' ? 'goal reached' : (reason ?? '').slice(0, 120);
/** "unreachable: no email address" and "frequency cap: at most 2 email per 24h" group by their first part. */
const detailKey = (detail: string | undefined) => (detail ?? '').split(/[:(]/)[0].trim().slice(0, 60);

/** The rows of one hour from the facts of its window. */
function rowsOfHour(facts: Facts, hourMs: number) {
  const inHour = (iso: unknown) => typeof iso === 'string' && hourOf(iso) === hourMs;
  const { version, tags, timeline } = facts;
  const rows = new RowSet();
  for (const e of facts.entered) {
    if (!inHour(e.enteredAt)) continue;
    rows.add({ v: e.version, k: 'entered' });
    if (e.entryNodeId) rows.add({ v: e.version, k: 'here', n: e.entryNodeId });
  }
  for (const e of facts.ended) {
    if (!inHour(e.endedAt)) continue;
    const id = String(e._id);
    const last = timeline(id).find((s) => s.at === e.endedAt)?.nodeId;
    // An end no step recorded (a closed run reconciled, an exit without a workflow) leaves its place here.
    const entryNode = facts.entryNode(id);
    if (entryNode && !timeline(id).some(isEnd)) {
      const at = openPosition(entryNode, timeline(id));
      if (at) rows.add({ v: e.version, k: 'here', n: at, count: -1 });
    }
    const row = {
      v: e.version,
      k: 'ended' as const,
      p: e.status,
      n: last,
      r: reasonKey(e.status, e.endReason),
    };
    rows.addForVariants(row, tags(id));
    if (e.status === 'converted') {
      const ms = Date.parse(e.endedAt) - Date.parse(e.enteredAt);
      rows.add({ v: e.version, k: 'convertTime', p: String(durationBin(ms)), sum: ms });
    }
  }
  for (const step of facts.steps) {
    if (!inHour(step.at)) continue;
    const id = step.enrollmentId;
    rows.addForVariants({ v: version(id), k: 'passed', n: step.nodeId, p: step.port ?? '' }, tags(id));
    const entryNode = facts.entryNode(id);
    if (entryNode) {
      for (const [n, count] of moveOf(step)) rows.add({ v: version(id), k: 'here', n, count });
      const at = isEnd(step) ? openPosition(entryNode, timeline(id)) : null;
      if (at) rows.add({ v: version(id), k: 'here', n: at, count: -1 });
    }
    // Time at a node: from the enrollment's previous step (or its entry) to this one.
    const earlier = timeline(id)
      .filter((s) => s.at < step.at)
      .map((s) => s.at)
      .sort();
    const since = earlier.at(-1) ?? facts.enteredAt(id);
    if (since) {
      const ms = Math.max(0, Date.parse(step.at) - Date.parse(since));
      rows.add({ v: version(id), k: 'nodeTime', n: step.nodeId, p: String(durationBin(ms)), sum: ms });
    }
  }
  for (const d of facts.deliveries) {
    if (!inHour(d.createdAt)) continue;
    const id = String(d.enrollmentId);
    const key = { v: version(id), n: d.nodeId as string, c: d.channel as string };
    const notSent = d.status === 'skipped' || d.status === 'failed' || d.status === 'deferred';
    rows.addForVariants(
      { ...key, k: 'send', p: d.status, r: notSent ? detailKey(d.detail) : undefined },
      tags(id),
    );
    if (d.opens > 0) rows.addForVariants({ ...key, k: 'opens', sum: d.opens }, tags(id));
    if (d.clicks > 0) rows.addForVariants({ ...key, k: 'clicks', sum: d.clicks }, tags(id));
    if (facts.unsubscribed.has(String(d._id))) rows.addForVariants({ ...key, k: 'unsub' }, tags(id));
    for (const p of facts.receipts(String(d._id))) rows.addForVariants({ ...key, k: 'receipt', p }, tags(id));
  }
  for (const { purchase, touch } of facts.purchases) {
    if (!inHour(purchase.timestamp)) continue;
    const id = touch.enrollmentId;
    const row = {
      v: version(id),
      k: 'revenue' as const,
      n: touch.nodeId,
      c: touch.channel,
      sum: purchase.amount,
    };
    rows.addForVariants(row, tags(id));
  }
  return rows.toArray();
}

/**
 * Recomputes (journey, UTC hour) buckets from the facts recorded one document per fact. A bucket depends
 * on the facts only, so recomputing is idempotent and any number of folds may do it; an hour without
 * facts is written empty, clearing what it held before. Hours from `stampsFrom` on are read by their hour
 * stamps (hour-stamps.ts).
 */
export async function recomputeBuckets(
  db: Db,
  journeyId: string,
  hours: number[],
  revenue: Map<string, RevenueSettings>,
  stampsFrom = Number.POSITIVE_INFINITY,
): Promise<void> {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const rollups = db.collection(COLLECTIONS.rollups);
  const arms = sorted.length > 0 ? await loadArmFacts(db, journeyId, isoHour(sorted[0])) : null;
  const totals = (await readWaitingDoc(db, journeyId))?.totals;
  const journeySize = totals?.find((row) => row.k === 'entered')?.count ?? 0;
  while (sorted.length > 0) {
    const start = sorted[0];
    const window = [];
    while (sorted.length > 0 && sorted[0] < start + WINDOW_MS) window.push(sorted.shift()!);
    const stampedHours = start >= stampsFrom ? window : null;
    const options = { stampedHours, journeySize };
    const facts = await loadFacts(db, journeyId, start, window.at(-1)! + HOUR_MS, revenue, options);
    const armRows = await armRowsByHour(arms!, facts.entered as never);
    for (const hourMs of window) {
      const hour = isoHour(hourMs);
      const rows = [...rowsOfHour(facts, hourMs), ...(armRows.get(hourMs) ?? [])];
      const doc = { journeyId, hour, rows, computedAt: new Date().toISOString() };
      await rollups.replaceOne({ _id: `${journeyId}|${hour}` as never }, doc, { upsert: true });
    }
    for (const dayMs of new Set(window.map((h) => Math.floor(h / DAY_MS) * DAY_MS)))
      await rollUpDay(db, journeyId, dayMs);
  }
}

/** A day's document is the sum of its 24 hour documents, so reports over long ranges read 24 times fewer. */
async function rollUpDay(db: Db, journeyId: string, dayMs: number) {
  const rollups = db.collection<{ rows: Row[] }>(COLLECTIONS.rollups);
  const ids = Array.from({ length: 24 }, (_, h) => `${journeyId}|${isoHour(dayMs + h * HOUR_MS)}`);
  const hours = await lookUpEach(ids, (id) => rollups.findOne({ _id: id as never }));
  const rows = new RowSet();
  for (const { rows: hourRows } of hours) for (const row of hourRows) rows.add(row);
  const day = isoHour(dayMs);
  const doc = { journeyId, day, kind: 'day', rows: rows.toArray(), computedAt: new Date().toISOString() };
  await db
    .collection(COLLECTIONS.rollups)
    .replaceOne({ _id: `${journeyId}|day|${day}` as never }, doc, { upsert: true });
}
