import { SEGMENT_RECHECK_SIGNAL, type SegmentTimerInput } from '@itinera/schemas';
import { condition, continueAsNew, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { segmentActivities } from '../activities/segments.ts';

const { reevaluateSegment } = proxyActivities<ReturnType<typeof segmentActivities>>({
  startToCloseTimeout: '1 minute',
});
const recheck = defineSignal<[string]>(SEGMENT_RECHECK_SIGNAL);
/** Re-checks done by one run before it continues as new, keeping its history short. */
const CHECKS_PER_RUN = 50;

/**
 * Sleeps until the earliest moment a time-relative rule may change this customer's membership (as
 * signalled, or as the last evaluation said), re-evaluates then, and ends when nothing is pending.
 */
export async function segmentTimerWorkflow(input: SegmentTimerInput, pending?: number): Promise<void> {
  let next = pending ?? null;
  setHandler(recheck, (at: string) => {
    const ms = Date.parse(at);
    if (!Number.isNaN(ms) && (next === null || ms < next)) next = ms;
  });
  for (let checks = 0; checks < CHECKS_PER_RUN; checks++) {
    if (next === null && !(await condition(() => next !== null, '1 minute'))) return;
    const target = next as number;
    // An earlier re-check signalled meanwhile wakes the timer to sleep for the new target instead.
    if (await condition(() => next !== target, Math.max(target - Date.now(), 1))) continue;
    next = null;
    const { nextCheckAt } = await reevaluateSegment({ ...input, at: new Date(target).toISOString() });
    if (nextCheckAt) {
      const ms = Date.parse(nextCheckAt);
      if (next === null || ms < next) next = ms;
    }
    if (next === null) return;
  }
  await continueAsNew<typeof segmentTimerWorkflow>(input, next ?? undefined);
}
