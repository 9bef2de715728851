import { COLLECTIONS, emptyStats, type JourneyStats } from '@itinera/schemas';
import type { Db } from 'mongodb';

const CACHE_MS = 2_000;
const cache = new Map<string, { expires: number; stats: Promise<JourneyStats> }>();

async function compute(db: Db, journeyId: string): Promise<JourneyStats> {
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
  const node = (id: string) => {
    stats.nodes[id] ??= { active: 0, passed: 0 };
    return stats.nodes[id];
  };
  for (const { _id, count } of byNode) if (_id) node(_id).active = count;
  for (const { _id, count } of passed) node(_id).passed = count;
  return stats;
}

/**
 * Live counts for one journey, derived from the enrollments and their steps (the only writers are the
 * enrollments themselves, so counts cannot drift). Cached briefly: the canvas polls them.
 */
export function journeyStats(db: Db, journeyId: string): Promise<JourneyStats> {
  const key = `${db.databaseName}:${journeyId}`;
  const hit = cache.get(key);
  if (hit && hit.expires > Date.now()) return hit.stats;
  const stats = compute(db, journeyId);
  cache.set(key, { expires: Date.now() + CACHE_MS, stats });
  stats.catch(() => cache.delete(key));
  return stats;
}
