import { COLLECTIONS, CONTROL_STEP_NODE, type JourneyGraph } from '@itinera/schemas';
import type { Db, Document } from 'mongodb';
import { type ArmRules, armRulesOf, type RevenueRule } from '../../experiments/rules.ts';
import { purchaseOf } from './revenue.ts';
import { hourOf, type Row, RowSet } from './rows.ts';
import { lookUpEach } from './sources.ts';

/** The holdout's two arms, as variant keys (`node:port`) of the control step's pseudo node. */
export const HOLDOUT_ARM = `${CONTROL_STEP_NODE}:holdout`;
export const TREATED_ARM = `${CONTROL_STEP_NODE}:treated`;

interface Assigned {
  enrollmentId: string;
  at: string;
}
interface StepDoc {
  enrollmentId: string;
  customerId: string;
  port: string | null;
  at: string;
  outcome?: string;
}
interface EventDoc extends Document {
  customerId: string;
  event: string;
  timestamp: string;
}

/**
 * A journey's facts its experiment arms are counted from: assignments at each split (the first visit with a
 * port), held-out enrollments, nodes each enrollment's clicked messages came from, and revenue events since
 * `sinceIso` (none earlier can be credited to an enrollment entered since then).
 */
export async function loadArmFacts(db: Db, journeyId: string, sinceIso: string) {
  const versions = await db
    .collection<{ version: number; graph: JourneyGraph }>(COLLECTIONS.versions)
    .find({ journeyId }, { projection: { version: 1, graph: 1 } })
    .toArray();
  const rules = new Map<number, ArmRules>(versions.map((v) => [v.version, armRulesOf(v.graph)]));
  const splitIds = [...new Set([...rules.values()].flatMap((r) => r.splits.map((s) => s.nodeId)))];
  const steps = db.collection<StepDoc>(COLLECTIONS.steps);
  const projection = { enrollmentId: 1, customerId: 1, port: 1, at: 1, outcome: 1 };
  const [control, ...atSplits] = await Promise.all(
    [CONTROL_STEP_NODE, ...splitIds].map((nodeId) =>
      steps.find({ journeyId, nodeId }, { projection }).toArray(),
    ),
  );
  const heldOut = new Map(control.map((s) => [s.enrollmentId, s.outcome ?? 'holdout']));
  /** Per split: enrollment -> its first step there, and customer -> every such assignment. */
  const splits = new Map(
    splitIds.map((nodeId, i) => {
      const first = new Map<string, StepDoc>();
      for (const step of atSplits[i]) {
        if (!step.port || heldOut.has(step.enrollmentId)) continue;
        const known = first.get(step.enrollmentId);
        if (!known || step.at < known.at) first.set(step.enrollmentId, step);
      }
      const byCustomer = new Map<string, Assigned[]>();
      for (const step of first.values())
        byCustomer.set(step.customerId, [...(byCustomer.get(step.customerId) ?? []), step]);
      return [nodeId, { first, byCustomer }];
    }),
  );
  const clickedNodes = new Map<string, Set<string>>();
  const clicked = db
    .collection(COLLECTIONS.deliveries)
    .find({ journeyId, clicks: { $gt: 0 } }, { projection: { enrollmentId: 1, nodeId: 1 } });
  for await (const d of clicked) {
    const nodes = clickedNodes.get(String(d.enrollmentId)) ?? new Set<string>();
    clickedNodes.set(String(d.enrollmentId), nodes.add(String(d.nodeId)));
  }
  const eventNames = [...rules.values()].flatMap((r) => [
    ...r.splits.map((s) => s.revenue?.event),
    r.holdoutRevenue?.event,
  ]);
  // One query per event name: an equality FerretDB serves from an index, where it scans for `$in`.
  const names = [...new Set(eventNames.filter((e) => e !== undefined))];
  const events = await lookUpEach(names, (event) =>
    db
      .collection<EventDoc>(COLLECTIONS.events)
      .find({ event, timestamp: { $gte: sinceIso } })
      .toArray(),
  );
  const eventsOf = new Map<string, EventDoc[]>();
  for (const e of events) eventsOf.set(e.customerId, [...(eventsOf.get(e.customerId) ?? []), e]);
  /** A customer's entries into the journey: the holdout's assignments, loaded only for customers who paid. */
  const entered = new Map<string, Promise<Assigned[]>>();
  const entries = (customerId: string): Promise<Assigned[]> => {
    const known = entered.get(customerId);
    if (known) return known;
    const found = db
      .collection(COLLECTIONS.enrollments)
      .find({ journeyId, customerId }, { projection: { enteredAt: 1 } })
      .toArray()
      .then((docs) => docs.map((e) => ({ enrollmentId: String(e._id), at: String(e.enteredAt) })));
    entered.set(customerId, found);
    return found;
  };
  return { rules, heldOut, splits, clickedNodes, eventsOf, entries };
}

export type ArmFacts = Awaited<ReturnType<typeof loadArmFacts>>;

/**
 * Revenue credited to `mine`: the rule's events of its customer inside the window after it, unless a later
 * assignment of the same customer (among `all`) came before the event (the latest assignment takes it).
 */
function creditedRevenue(mine: Assigned, all: Assigned[], events: EventDoc[], rule: RevenueRule): number {
  const start = Date.parse(mine.at);
  let total = 0;
  for (const event of events) {
    if (event.event !== rule.event) continue;
    const at = Date.parse(event.timestamp);
    if (at < start || at > start + rule.windowMs) continue;
    const later = all.some(
      (a) => a.enrollmentId !== mine.enrollmentId && a.at > mine.at && Date.parse(a.at) <= at,
    );
    const purchase = later ? null : purchaseOf(event, rule.property);
    if (purchase) total += purchase.amount;
  }
  return total;
}

interface Entered {
  _id: unknown;
  version: number;
  status: string;
  customerId: string;
  enteredAt: string;
}

/**
 * Arm rows of the enrollments that entered in each hour (cohorts: an enrollment's outcome is counted in its
 * entry hour, so per-enrollment figures such as the square of its revenue add up across hours): per arm
 * (`x`), entered (`p`: the control group for held-out ones), converted, clicked after the split, and
 * revenue with its sum of squares.
 */
export async function armRowsByHour(facts: ArmFacts, entered: Entered[]): Promise<Map<number, Row[]>> {
  const byHour = new Map<number, RowSet>();
  for (const e of entered) {
    const id = String(e._id);
    const rows = byHour.get(hourOf(e.enteredAt)) ?? new RowSet();
    byHour.set(hourOf(e.enteredAt), rows);
    const rules = facts.rules.get(e.version);
    const events = facts.eventsOf.get(e.customerId) ?? [];
    const add = (x: string, extra: { clicked: boolean; revenue: number; p?: string }) => {
      rows.add({ v: e.version, k: 'armEntered', x, p: extra.p });
      if (e.status === 'converted') rows.add({ v: e.version, k: 'armConverted', x });
      if (extra.clicked) rows.add({ v: e.version, k: 'armClicked', x });
      if (extra.revenue === 0) return;
      rows.add({ v: e.version, k: 'armRevenue', x, sum: extra.revenue });
      rows.add({ v: e.version, k: 'armRevenueSq', x, sum: extra.revenue * extra.revenue });
    };
    const group = facts.heldOut.get(id);
    const mine = { enrollmentId: id, at: e.enteredAt };
    const holdoutRule = rules?.holdoutRevenue;
    const holdoutRevenue =
      holdoutRule && events.length > 0
        ? creditedRevenue(mine, await facts.entries(e.customerId), events, holdoutRule)
        : 0;
    add(group ? HOLDOUT_ARM : TREATED_ARM, {
      clicked: (facts.clickedNodes.get(id)?.size ?? 0) > 0,
      revenue: holdoutRevenue,
      p: group,
    });
    if (group) continue;
    for (const split of rules?.splits ?? []) {
      const assigned = facts.splits.get(split.nodeId);
      const step = assigned?.first.get(id);
      if (!assigned || !step?.port) continue;
      const clicks = facts.clickedNodes.get(id);
      const revenue =
        split.revenue && events.length > 0
          ? creditedRevenue(step, assigned.byCustomer.get(e.customerId) ?? [], events, split.revenue)
          : 0;
      add(`${split.nodeId}:${step.port}`, {
        clicked: [...(clicks ?? [])].some((n) => split.downstream.has(n)),
        revenue,
      });
    }
  }
  return new Map([...byHour].map(([hour, rows]) => [hour, rows.toArray()]));
}
