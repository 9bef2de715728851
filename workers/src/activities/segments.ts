import {
  loadSegment,
  memberId,
  queuedSegmentEvents,
  segmentEvaluator,
  segmentMembership,
  timerMarks,
} from '@itinera/nodes/segments';
import { COLLECTIONS, type SegmentTimerInput } from '@itinera/schemas';
import type { Db } from 'mongodb';

export function segmentActivities(db: Db) {
  const evaluator = segmentEvaluator(db);
  const membership = segmentMembership(db, queuedSegmentEvents(db));
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
     * exactly when the rule flipped) and returns when to look again, if ever.
     */
    async reevaluateSegment(input: SegmentTimerInput & { at: string }): Promise<{ nextCheckAt?: string }> {
      // Before reading: an evaluation that finds no record of this re-check knows it reads their data.
      await marks.fired(input.segmentId, input.customerId);
      const segment = await loadSegment(db, input.segmentId);
      if (!segment) return {};
      const now = new Date(input.at);
      const evaluation = await evaluator.evaluate(segment, input.customerId, now);
      await membership.apply(segment, input.customerId, evaluation, `timer:${input.at}`, now);
      return evaluation.nextCheckAt ? { nextCheckAt: evaluation.nextCheckAt } : {};
    },
  };
}
