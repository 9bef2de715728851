import type { SegmentClockScheduler } from '@itinera/nodes/segments';
import {
  SEGMENT_CLOCK_WORKFLOW,
  SEGMENT_RECHECK_SIGNAL,
  type SegmentClockInput,
  segmentClockId,
} from '@itinera/schemas';
import type { EnrollmentRouter, TemporalTarget } from './routing.ts';

/**
 * One durable clock workflow per customer, found by id: signal-with-start adds the moment to a running
 * clock (the earliest wins) or starts one. An unreachable Temporal fails the caller, whose event stays
 * pending for the sweeper.
 */
export function segmentClocks(router: EnrollmentRouter, temporal: TemporalTarget): SegmentClockScheduler {
  return async (customerId, at) => {
    const input: SegmentClockInput = { customerId };
    await router.bounded(() =>
      temporal.client.workflow.signalWithStart(SEGMENT_CLOCK_WORKFLOW, {
        workflowId: segmentClockId(customerId),
        taskQueue: temporal.taskQueue,
        args: [input],
        signal: SEGMENT_RECHECK_SIGNAL,
        signalArgs: [at],
      }),
    );
  };
}
