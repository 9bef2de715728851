import type { Db } from 'mongodb';
import type { SegmentEvaluator } from './evaluate.ts';
import { type MemberDoc, type MembershipItem, memberId, type SegmentMembership } from './membership.ts';
import { loadSnapshots } from './snapshot.ts';
import { inParallel, type SegmentDoc, segmentDefinition } from './store.ts';
import { timerMarks } from './timer-marks.ts';

/** Makes the customer's segment clock re-check their time-relative segments at `at` (ISO) or earlier. */
export type SegmentClockScheduler = (customerId: string, at: string) => Promise<void>;

const CLOCK_CALLS_IN_FLIGHT = 8;

/** A segment after every segment (of the same list) it refers to; references form no cycles. */
function dependencyOrder(docs: SegmentDoc[]): SegmentDoc[] {
  const byId = new Map(docs.map((d) => [d._id, d]));
  const ordered: SegmentDoc[] = [];
  const placed = new Set<string>();
  const place = (doc: SegmentDoc) => {
    if (placed.has(doc._id)) return;
    placed.add(doc._id);
    for (const ref of doc.reads.segments) {
      const dependency = byId.get(ref);
      if (dependency) place(dependency);
    }
    ordered.push(doc);
  };
  for (const doc of docs) place(doc);
  return ordered;
}

/** `segments`, then every segment of `all` that refers to one of them, directly or through others. */
function withReferrers(segments: SegmentDoc[], all: SegmentDoc[]): SegmentDoc[] {
  const ids = new Set(segments.map((s) => s._id));
  const closure = [...segments];
  for (let grew = true; grew; ) {
    grew = false;
    for (const doc of all)
      if (!ids.has(doc._id) && doc.reads.segments.some((ref) => ids.has(ref))) {
        ids.add(doc._id);
        closure.push(doc);
        grew = true;
      }
  }
  return closure;
}

const earlier = (a: string | undefined, b: string) =>
  a === undefined || Date.parse(b) < Date.parse(a) ? b : a;

/**
 * Evaluates segments for customers and applies the results: one read per collection for all of them
 * (loadSnapshots), segments after those they refer to, then, per customer, the earliest moment a
 * time-relative result may change, signalled to their segment clock unless it already holds that moment
 * or an earlier one (timerMarks). Returns that earliest moment per customer.
 */
export function segmentRefresher(
  db: Db,
  evaluator: SegmentEvaluator,
  membership: SegmentMembership,
  schedule?: SegmentClockScheduler,
) {
  const marks = timerMarks(db);
  /**
   * With `referrers` (every live segment), a segment of that list that refers to a changed one is evaluated
   * in the same pass, so the pass's segment events need not reach segments again.
   */
  return async (
    segments: SegmentDoc[],
    customerIds: string[],
    cause: string,
    options: { now?: Date; referrers?: SegmentDoc[] } = {},
  ): Promise<Map<string, string>> => {
    const nextChecks = new Map<string, string>();
    if (segments.length === 0 || customerIds.length === 0) return nextChecks;
    const now = options.now ?? new Date();
    const asked = new Set(segments.map((s) => s._id));
    const ordered = dependencyOrder(
      options.referrers ? withReferrers(segments, options.referrers) : segments,
    ).map((doc) => ({ doc, definition: segmentDefinition(doc) }));
    const rules = ordered.flatMap(({ definition }) => (definition.rules ? [definition.rules] : []));
    const snapshots = await loadSnapshots(db, customerIds, rules, now);
    const items: MembershipItem[] = [];
    for (const customerId of customerIds) {
      const snapshot = snapshots.get(customerId);
      if (!snapshot) continue;
      const changed = new Set<string>();
      for (const { doc, definition } of ordered) {
        if (!asked.has(doc._id) && !doc.reads.segments.some((ref) => changed.has(ref))) continue;
        const evaluation = await evaluator.evaluate(definition, customerId, now, snapshot);
        if (evaluation.member !== snapshot.members.has(doc._id)) changed.add(doc._id);
        const known = snapshot.members.get(doc._id) ?? null;
        items.push({ segment: definition, customerId, evaluation, known });
        // Later segments of this pass that refer to this one see the change it is about to make.
        if (known && !evaluation.member) snapshot.members.delete(doc._id);
        if (!known && evaluation.member) {
          const member: MemberDoc = {
            _id: memberId(doc._id, customerId),
            segmentId: doc._id,
            customerId,
            enteredAt: now.toISOString(),
            cause,
          };
          snapshot.members.set(doc._id, member);
        }
        const at = evaluation.nextCheckAt;
        if (at && doc.reads.timeRelative) nextChecks.set(customerId, earlier(nextChecks.get(customerId), at));
      }
    }
    await membership.applyMany(items, cause, now, { referrersEvaluated: !!options.referrers });
    if (schedule && nextChecks.size) {
      const signals = await marks.load([...nextChecks.keys()]);
      const clocks = [...nextChecks]
        .filter(([customerId, at]) => !marks.covered(signals, customerId, at, now))
        .map(([customerId, at]) => async () => {
          const sentAt = new Date();
          await schedule(customerId, at);
          await marks.signalled(customerId, at, sentAt);
        });
      await inParallel(clocks, CLOCK_CALLS_IN_FLIGHT);
    }
    return nextChecks;
  };
}

export type SegmentRefresher = ReturnType<typeof segmentRefresher>;
