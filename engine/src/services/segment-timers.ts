import {
  SEGMENT_RECHECK_SIGNAL,
  SEGMENT_TIMER_WORKFLOW,
  type SegmentTimerInput,
  segmentTimerId,
} from '@itinera/schemas';
import type { EnrollmentRouter, TemporalTarget } from './routing.ts';

/** Re-checks a customer's membership at `at` (ISO), when a time-relative rule may flip. */
export type SegmentTimerScheduler = (segmentId: string, customerId: string, at: string) => Promise<void>;

/**
 * One durable timer workflow per (segment, customer), found by id: signal-with-start adds the moment to a
 * running timer (the earliest wins) or starts one. An unreachable Temporal fails the caller, whose event
 * stays pending for the sweeper.
 */
export function segmentTimers(router: EnrollmentRouter, temporal: TemporalTarget): SegmentTimerScheduler {
  return async (segmentId, customerId, at) => {
    const input: SegmentTimerInput = { segmentId, customerId };
    await router.bounded(() =>
      temporal.client.workflow.signalWithStart(SEGMENT_TIMER_WORKFLOW, {
        workflowId: segmentTimerId(segmentId, customerId),
        taskQueue: temporal.taskQueue,
        args: [input],
        signal: SEGMENT_RECHECK_SIGNAL,
        signalArgs: [at],
      }),
    );
  };
}
