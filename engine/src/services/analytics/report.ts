import type { JourneyAnalytics } from '@itinera/schemas';
import { COLLECTIONS, hourKeyOf } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { foldedThrough } from './fold.ts';
import { receiptFigures } from './receipts.ts';
import { DAY_MS, HOUR_MS, hourOf, isoHour, medianFromBins, type Row } from './rows.ts';
import { lookUpEach } from './sources.ts';
import { readWaiting } from './waiting.ts';

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const perDay = (hour: string) => hour.slice(0, 10);

function sum(rows: Row[], where: (row: Row) => boolean, field: 'count' | 'sum' = 'count') {
  let total = 0;
  for (const row of rows) if (where(row)) total += row[field] ?? 0;
  return total;
}
function bins(rows: Row[]) {
  const out = new Map<number, number>();
  for (const row of rows) out.set(Number(row.p), (out.get(Number(row.p)) ?? 0) + row.count);
  return out;
}
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(item);
  }
  return out;
}

/** Send figures from `send`, `opens`, `clicks` and `unsub` rows of one node, channel or variant. */
function sendFigures(rows: Row[]) {
  const status = (s: string) => sum(rows, (r) => r.k === 'send' && r.p === s);
  const sent = status('sent');
  const uniqueOpens = sum(rows, (r) => r.k === 'opens');
  const uniqueClicks = sum(rows, (r) => r.k === 'clicks');
  const unsubscribed = sum(rows, (r) => r.k === 'unsub');
  return {
    sent,
    deferred: status('deferred'),
    skipped: status('skipped'),
    failed: status('failed'),
    pending: status('sending'),
    uniqueOpens,
    opens: sum(rows, (r) => r.k === 'opens', 'sum'),
    uniqueClicks,
    clicks: sum(rows, (r) => r.k === 'clicks', 'sum'),
    unsubscribed,
    openRate: rate(uniqueOpens, sent),
    clickRate: rate(uniqueClicks, sent),
    clickToOpenRate: rate(uniqueClicks, uniqueOpens),
    unsubscribeRate: rate(unsubscribed, sent),
    ...receiptFigures(rows, sent),
  };
}

type Bucket = { hour?: string; day?: string; rows: Row[] };

/**
 * Day documents for the whole UTC days of [fromMs, toMs), hour documents for the hours at either end,
 * fetched by `_id`: the one lookup FerretDB serves from an index, as MongoDB does.
 */
export async function readBuckets(
  db: Db,
  journeyId: string,
  fromMs: number,
  toMs: number,
): Promise<Bucket[]> {
  const rollups = db.collection<Bucket>(COLLECTIONS.rollups);
  const ids: string[] = [];
  const hours = (a: number, b: number) => {
    for (let h = a; h < b; h += HOUR_MS) ids.push(`${journeyId}|${isoHour(h)}`);
  };
  const firstDay = Math.ceil(fromMs / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(toMs / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) hours(fromMs, toMs);
  else {
    hours(fromMs, firstDay);
    for (let d = firstDay; d < lastDay; d += DAY_MS) ids.push(`${journeyId}|day|${isoHour(d)}`);
    hours(lastDay, toMs);
  }
  return lookUpEach(ids, (id) => rollups.findOne({ _id: id as never }));
}

/**
 * A journey's report over [from, to) from its hourly rollups (whole hours: `from` rounds down, `to` up)
 * plus who waits where as of the last fold (waiting.ts). Reads one document per day of the range (per hour
 * at its ends) and one for who waits, whatever the number of enrollments.
 */
export async function journeyAnalytics(
  db: Db,
  journeyId: string,
  query: { from: string; to: string; version?: number },
): Promise<JourneyAnalytics> {
  const fromHour = hourKeyOf(query.from);
  const toHour = isoHour(Math.ceil(Date.parse(query.to) / HOUR_MS) * HOUR_MS);
  const version = query.version;
  const buckets = await readBuckets(db, journeyId, hourOf(fromHour), Date.parse(toHour));
  const [waiting, through] = await Promise.all([readWaiting(db, journeyId, version), foldedThrough(db)]);

  const dated = buckets.flatMap((b) =>
    b.rows
      .filter((r) => version === undefined || r.v === version)
      .map((r) => ({ ...r, hour: b.hour ?? b.day! })),
  );
  const all = dated.filter((r) => !r.x);
  const ended = (status: string) => sum(all, (r) => r.k === 'ended' && r.p === status);
  const entered = sum(all, (r) => r.k === 'entered');
  const converted = ended('converted');
  const recipients = sum(all, (r) => r.k === 'send' && r.p === 'sent');
  const revenueRows = all.filter((r) => r.k === 'revenue');
  const revenue = sum(revenueRows, () => true, 'sum');

  const exits = [
    ...groupBy(
      all.filter((r) => r.k === 'ended'),
      (r) => [r.p, r.n ?? '', r.r ?? ''].join('\u0001'),
    ).values(),
  ].map((rows) => ({
    status: rows[0].p ?? '',
    nodeId: rows[0].n ?? '',
    reason: rows[0].r ?? '',
    count: sum(rows, () => true),
  }));

  const passedRows = all.filter((r) => r.k === 'passed');
  const nodeIds = new Set([...passedRows.map((r) => r.n!), ...waiting.keys()]);
  const nodes = [...nodeIds].sort().map((nodeId) => {
    const times = all.filter((r) => r.k === 'nodeTime' && r.n === nodeId);
    const timed = sum(times, () => true);
    return {
      nodeId,
      passed: sum(passedRows, (r) => r.n === nodeId),
      waiting: waiting.get(nodeId) ?? 0,
      converted: sum(all, (r) => r.k === 'ended' && r.p === 'converted' && r.n === nodeId),
      medianTimeMs: medianFromBins(bins(times)),
      meanTimeMs: timed ? Math.round(sum(times, () => true, 'sum') / timed) : null,
    };
  });
  const edges = [
    ...groupBy(
      passedRows.filter((r) => r.p),
      (r) => `${r.n}\u0001${r.p}`,
    ).values(),
  ].map((rows) => {
    const count = sum(rows, () => true);
    return {
      source: rows[0].n!,
      port: rows[0].p!,
      count,
      share: rate(
        count,
        sum(passedRows, (r) => r.n === rows[0].n && !!r.p),
      ),
    };
  });

  const sendRows = all.filter((r) => ['send', 'opens', 'clicks', 'unsub', 'receipt'].includes(r.k));
  const sends = [...groupBy(sendRows, (r) => `${r.n}\u0001${r.c}`).values()].map((rows) => {
    const skippedReasons: Record<string, number> = {};
    for (const r of rows)
      if (r.k === 'send' && r.r)
        skippedReasons[`${r.p}: ${r.r}`] = (skippedReasons[`${r.p}: ${r.r}`] ?? 0) + r.count;
    return { nodeId: rows[0].n!, channel: rows[0].c!, ...sendFigures(rows), skippedReasons };
  });

  const variantRows = groupBy(
    dated.filter((r) => r.x),
    (r) => r.x!,
  );
  // Ports are plain ids, so a variant's split node is everything before its last colon.
  const splits = new Set([...variantRows.keys()].map((x) => x.slice(0, x.lastIndexOf(':'))));
  const branches = edges
    .filter((e) => splits.has(e.source))
    .map((e) => {
      const rows = variantRows.get(`${e.source}:${e.port}`) ?? [];
      const figures = sendFigures(rows);
      const branchConverted = sum(rows, (r) => r.k === 'ended' && r.p === 'converted');
      const branchRevenue = sum(rows, (r) => r.k === 'revenue', 'sum');
      return {
        splitNodeId: e.source,
        port: e.port,
        entered: e.count,
        converted: branchConverted,
        conversionRate: rate(branchConverted, e.count),
        ...figures,
        purchases: sum(rows, (r) => r.k === 'revenue'),
        revenue: branchRevenue,
        revenuePerRecipient: rate(branchRevenue, figures.sent),
      };
    });

  const byTouch = groupBy(revenueRows, (r) => `${r.n}\u0001${r.c}`);
  const series = [
    ...groupBy(
      all.filter((r) => ['entered', 'ended', 'revenue'].includes(r.k)),
      (r) => perDay(r.hour),
    ).entries(),
  ]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, rows]) => ({
      day,
      entered: sum(rows, (r) => r.k === 'entered'),
      converted: sum(rows, (r) => r.k === 'ended' && r.p === 'converted'),
      revenue: sum(rows, (r) => r.k === 'revenue', 'sum'),
    }));

  return {
    journeyId,
    from: fromHour,
    to: toHour,
    version: version ?? null,
    foldedThrough: through,
    summary: {
      entered,
      waiting: [...waiting.values()].reduce((a, b) => a + b, 0),
      completed: ended('completed'),
      converted,
      exited: ended('exited'),
      failed: ended('failed'),
      conversionRate: rate(converted, entered),
      medianTimeToConvertMs: medianFromBins(bins(all.filter((r) => r.k === 'convertTime'))),
      recipients,
      purchases: sum(revenueRows, () => true),
      revenue,
      revenuePerRecipient: rate(revenue, recipients),
    },
    exits,
    nodes,
    edges,
    sends,
    branches,
    revenue: [...byTouch.values()].map((rows) => ({
      nodeId: rows[0].n!,
      channel: rows[0].c!,
      purchases: sum(rows, () => true),
      revenue: sum(rows, () => true, 'sum'),
    })),
    series,
  };
}
