import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { type EventDoc, toEvent } from '../services/event-parsing.ts';
import type { ArmCounts } from './analysis.ts';

/** When and as whom an enrollment was assigned to an arm. */
export interface Assignment {
  arm: string;
  customerId: string;
  at: string;
}

export interface RevenueRule {
  event: string;
  property: string;
  windowMs: number;
}

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Counts each arm's outcomes from one-document-per-fact data: enrollments that converted, messages clicked
 * (sent by `clickNodes`, the nodes after the split; null: any node), and revenue events inside the
 * attribution window after the assignment.
 */
export async function countArms(
  db: Db,
  journeyId: string,
  arms: { id: string; label: string }[],
  assignments: Map<string, Assignment>,
  revenue: RevenueRule | null,
  clickNodes: ReadonlySet<string> | null = null,
): Promise<ArmCounts[]> {
  const counts = new Map(
    arms.map((a) => [
      a.id,
      { ...a, entered: 0, converted: 0, clicked: 0, revenue: { n: 0, sum: 0, sumSquares: 0 } },
    ]),
  );
  for (const assignment of assignments.values()) {
    const arm = counts.get(assignment.arm);
    if (!arm) continue;
    arm.entered++;
    arm.revenue.n++;
  }
  const [converted, clicked] = await Promise.all([
    db
      .collection(COLLECTIONS.enrollments)
      .find({ journeyId, status: 'converted' }, { projection: { _id: 1 } })
      .toArray(),
    db
      .collection(COLLECTIONS.deliveries)
      .find({ journeyId, clicks: { $gt: 0 } }, { projection: { enrollmentId: 1, nodeId: 1 } })
      .toArray(),
  ]);
  for (const { _id } of converted) {
    const assignment = assignments.get(String(_id));
    if (assignment) {
      const arm = counts.get(assignment.arm);
      if (arm) arm.converted++;
    }
  }
  const clickers = new Set<string>();
  for (const delivery of clicked) {
    if (clickNodes && !clickNodes.has(delivery.nodeId)) continue;
    if (assignments.has(delivery.enrollmentId)) clickers.add(delivery.enrollmentId);
  }
  for (const id of clickers) {
    const arm = counts.get(assignments.get(id)!.arm);
    if (arm) arm.clicked++;
  }
  if (revenue) await addRevenue(db, assignments, counts, revenue);
  return [...counts.values()];
}

/** Revenue per enrollment: the revenue property summed over its customer's events in the window. */
async function addRevenue(
  db: Db,
  assignments: Map<string, Assignment>,
  counts: Map<string, ArmCounts>,
  rule: RevenueRule,
) {
  const events = db.collection<EventDoc>(COLLECTIONS.events);
  const byCustomer = new Map<string, Assignment[]>();
  for (const assignment of assignments.values()) {
    const list = byCustomer.get(assignment.customerId) ?? [];
    list.push(assignment);
    byCustomer.set(assignment.customerId, list);
  }
  const perAssignment = new Map<Assignment, number>();
  for (const customers of chunks([...byCustomer.keys()])) {
    const docs = await events.find({ customerId: { $in: customers }, event: rule.event }).toArray();
    for (const doc of docs) {
      const event = toEvent(doc);
      const amount = Number(event.properties[rule.property]);
      if (!Number.isFinite(amount)) continue;
      const at = Date.parse(event.timestamp);
      // The latest assignment before the event takes the credit (last touch).
      const touched = (byCustomer.get(event.customerId) ?? [])
        .filter((a) => Date.parse(a.at) <= at && at <= Date.parse(a.at) + rule.windowMs)
        .sort((x, y) => y.at.localeCompare(x.at))[0];
      if (touched) perAssignment.set(touched, (perAssignment.get(touched) ?? 0) + amount);
    }
  }
  for (const [assignment, amount] of perAssignment) {
    const arm = counts.get(assignment.arm);
    if (!arm) continue;
    arm.revenue.sum += amount;
    arm.revenue.sumSquares += amount * amount;
  }
}
