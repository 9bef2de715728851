// The baseline: the same headline figures computed the way the issue forbids, by aggregating every
// enrollment, step and delivery of the journey in the range on each request.
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

export async function naiveAnalytics(db: Db, journeyId: string, from: string, to: string) {
  const range = { $gte: from, $lt: to };
  const group = (name: string, match: object, key: unknown) =>
    db
      .collection(name)
      .aggregate<{ _id: unknown; count: number }>([
        { $match: { journeyId, ...match } },
        { $group: { _id: key, count: { $sum: 1 } } },
      ])
      .toArray();
  const [entered, ended, passed, sent, opened, clicked, waiting] = await Promise.all([
    group(COLLECTIONS.enrollments, { enteredAt: range }, null),
    group(COLLECTIONS.enrollments, { endedAt: range }, '$status'),
    group(COLLECTIONS.steps, { at: range }, { node: '$nodeId', port: '$port' }),
    group(COLLECTIONS.deliveries, { createdAt: range }, { node: '$nodeId', status: '$status' }),
    group(COLLECTIONS.deliveries, { createdAt: range, opens: { $gt: 0 } }, '$nodeId'),
    group(COLLECTIONS.deliveries, { createdAt: range, clicks: { $gt: 0 } }, '$nodeId'),
    group(COLLECTIONS.enrollments, { status: 'active' }, '$currentNodeId'),
  ]);
  const total = (rows: { count: number }[]) => rows.reduce((sum, r) => sum + r.count, 0);
  return {
    entered: total(entered),
    converted: ended.find((r) => r._id === 'converted')?.count ?? 0,
    passed: total(passed),
    sent: total(sent),
    uniqueOpens: total(opened),
    uniqueClicks: total(clicked),
    waiting: total(waiting),
  };
}
