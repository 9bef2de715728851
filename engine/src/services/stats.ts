import { COLLECTIONS, emptyStats, type JourneyStats } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { foldedThrough } from './analytics/fold.ts';
import { readWaitingDoc, waitingOf } from './analytics/waiting.ts';

const CACHE_MS = 2_000;
/**
 * Up to this many entries (as of the last fold) the stats are counted live from the enrollments and their
 * steps, exact to the moment; past it, an aggregate over every enrollment takes seconds, so they come from
 * the analytics fold's totals (at most one fold period old) in one read.
 */
export const LIVE_STATS_UP_TO = 5_000;
const cache = new Map<string, { expires: number; stats: Promise<JourneyStats> }>();

async function countLive(db: Db, journeyId: string): Promise<JourneyStats> {
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const [byStatus, byNode, passed] = await Promise.all([
    enrollments
      .aggregate([{ $match: { journeyId } }, { $group: { _id: '$status', count: { $sum: 1 } } }])
      .toArray(),
    enrollments
      .aggregate([
        { $match: { journeyId, status: 'active' } },
        { $group: { _id: '$currentNodeId', count: { $sum: 1 } } },
      ])
      .toArray(),
    db
      .collection(COLLECTIONS.steps)
      .aggregate([{ $match: { journeyId } }, { $group: { _id: '$nodeId', count: { $sum: 1 } } }])
      .toArray(),
  ]);
  const stats = emptyStats();
  const totals = stats as unknown as Record<string, number>;
  for (const { _id, count } of byStatus) {
    stats.entered += count;
    if (_id in totals) totals[_id] = count;
  }
  for (const { _id, count } of byNode) if (_id) nodeOf(stats, _id).active = count;
  for (const { _id, count } of passed) nodeOf(stats, _id).passed = count;
  return stats;
}

function nodeOf(stats: JourneyStats, id: string) {
  stats.nodes[id] ??= { active: 0, passed: 0 };
  return stats.nodes[id];
}

async function compute(db: Db, journeyId: string, liveUpTo: number): Promise<JourneyStats> {
  const doc = await readWaitingDoc(db, journeyId);
  const entered = doc?.totals?.find((r) => r.k === 'entered')?.count ?? 0;
  if (!doc?.totals || entered < liveUpTo) return countLive(db, journeyId);
  const stats = emptyStats();
  const totals = stats as unknown as Record<string, number>;
  stats.entered = entered;
  let ended = 0;
  for (const row of doc.totals) {
    if (row.k === 'ended' && row.p && row.p in totals) totals[row.p] += row.count;
    if (row.k === 'ended') ended += row.count;
    if (row.k === 'passed' && row.n) nodeOf(stats, row.n).passed = row.count;
  }
  stats.active = entered - ended;
  for (const [nodeId, count] of await waitingOf(db, journeyId, doc)) nodeOf(stats, nodeId).active = count;
  return { ...stats, asOf: (await foldedThrough(db)) ?? doc.computedAt };
}

/**
 * Live counts for one journey (the canvas polls them; the journey list shows them for every journey).
 * Cached briefly per process.
 */
export function journeyStats(db: Db, journeyId: string, liveUpTo = LIVE_STATS_UP_TO): Promise<JourneyStats> {
  const key = `${db.databaseName}:${journeyId}:${liveUpTo}`;
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return hit.stats;
  const stats = compute(db, journeyId, liveUpTo);
  cache.set(key, { expires: Date.now() + CACHE_MS, stats });
  stats.catch(() => cache.delete(key));
  return stats;
}
