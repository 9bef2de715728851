import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

export interface JourneyStats {
  entered: number;
  active: number;
  completed: number;
  converted: number;
  exited: number;
  failed: number;
  nodes: Record<string, { active: number; passed: number }>;
}

/** Live counts for one journey: totals by status and, per node, who waits there now and who passed through. */
export async function journeyStats(db: Db, journeyId: string): Promise<JourneyStats> {
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const steps = db.collection(COLLECTIONS.steps);
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
    steps
      .aggregate([{ $match: { journeyId } }, { $group: { _id: '$nodeId', count: { $sum: 1 } } }])
      .toArray(),
  ]);
  const stats: JourneyStats = {
    entered: 0,
    active: 0,
    completed: 0,
    converted: 0,
    exited: 0,
    failed: 0,
    nodes: {},
  };
  for (const { _id, count } of byStatus) {
    stats.entered += count;
    if (_id in stats) (stats as unknown as Record<string, number>)[_id] = count;
  }
  const node = (id: string) => {
    stats.nodes[id] ??= { active: 0, passed: 0 };
    return stats.nodes[id];
  };
  for (const { _id, count } of byNode) if (_id) node(_id).active = count;
  for (const { _id, count } of passed) node(_id).passed = count;
  return stats;
}
