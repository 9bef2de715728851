import {
  isErased,
  loadRuleSegments,
  loadSegment,
  memberId,
  queuedSegmentEvents,
  segmentEvaluator,
  segmentMembership,
  segmentRefresher,
  timerMarks,
} from '@itinera/nodes/segments';
import { COLLECTIONS, type SegmentClockInput, type SegmentTimerInput } from '@itinera/schemas';
import type { Db } from 'mongodb';

export function segmentActivities(db: Db) {
  const evaluator = segmentEvaluator(db);
  const membership = segmentMembership(db, queuedSegmentEvents(db));
  const refresh = segmentRefresher(db, evaluator, membership);
  const members = db.collection<{ _id: string }>(COLLECTIONS.segmentMembers);
  const marks = timerMarks(db);
  return {
    /** The condition rule "is in segment": membership as recorded now. */
    async isSegmentMember(input: { segmentId: string; customerId: string }): Promise<boolean> {
      return (
        (await members.countDocuments({ _id: memberId(input.segmentId, input.customerId) }, { limit: 1 })) > 0
      );
    },
    /**
     * Re-evaluates one customer's membership as of `at` (the timer's moment, so a change is recorded
     * exactly when the rule flipped) and returns when to look again, if ever. For release 0.3's timers.
     */
    async reevaluateSegment(input: SegmentTimerInput & { at: string }): Promise<{ nextCheckAt?: string }> {
      // Nothing may be written about an erased customer; returning no next check ends the timer.
      if (await isErased(db, input.customerId)) return {};
      const segment = await loadSegment(db, input.segmentId);
      if (!segment) return {};
      const now = new Date(input.at);
      const evaluation = await evaluator.evaluate(segment, input.customerId, now);
      await membership.apply(segment, input.customerId, evaluation, `timer:${input.at}`, now);
      return evaluation.nextCheckAt ? { nextCheckAt: evaluation.nextCheckAt } : {};
    },
    /**
     * The customer's segment clock fired: re-evaluates every time-relative segment (and those referring to
     * them) as of `at`, so a change is recorded exactly when the rule flipped, and returns when to look again.
     */
    async reevaluateTimedSegments(
      input: SegmentClockInput & { at: string },
    ): Promise<{ nextCheckAt?: string }> {
      if (await isErased(db, input.customerId)) return {};
      // Before reading: an evaluation that finds no record of this re-check knows it reads their data.
      const firedAt = await marks.fired(input.customerId);
      const all = await loadRuleSegments(db);
      const timed = all.filter((s) => s.reads.timeRelative);
      const next = await refresh(timed, [input.customerId], `timer:${input.at}`, {
        now: new Date(input.at),
        referrers: all,
      });
      const nextCheckAt = next.get(input.customerId);
      if (!nextCheckAt) return {};
      await marks.held(input.customerId, nextCheckAt, firedAt);
      return { nextCheckAt };
    },
  };
}
