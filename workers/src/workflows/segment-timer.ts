import { SEGMENT_RECHECK_SIGNAL, type SegmentClockInput, type SegmentTimerInput } from '@itinera/schemas';
import { condition, continueAsNew, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { segmentActivities } from '../activities/segments.ts';

const { reevaluateSegment, reevaluateTimedSegments } = proxyActivities<ReturnType<typeof segmentActivities>>({
  startToCloseTimeout: '1 minute',
});
const recheck = defineSignal<[string]>(SEGMENT_RECHECK_SIGNAL);
/** Re-checks done by one run before it continues as new, keeping its history short. */
const CHECKS_PER_RUN = 50;
const ENDED = Symbol('ended');

/**
 * Sleeps until the earliest moment a re-check is due (as signalled, or as the last re-check said), re-checks
 * then, and ends when nothing is pending; after CHECKS_PER_RUN re-checks, returns the pending moment for the
 * caller to continue as new with.
 */
async function recheckLoop(
  pending: number | undefined,
  recheckAt: (at: string) => Promise<{ nextCheckAt?: string }>,
): Promise<number | undefined | typeof ENDED> {
  let next = pending ?? null;
  setHandler(recheck, (at: string) => {
    const ms = Date.parse(at);
    if (!Number.isNaN(ms) && (next === null || ms < next)) next = ms;
  });
  for (let checks = 0; checks < CHECKS_PER_RUN; checks++) {
    if (next === null && !(await condition(() => next !== null, '1 minute'))) return ENDED;
    const target = next as number;
    // An earlier re-check signalled meanwhile wakes the timer to sleep for the new target instead.
    if (await condition(() => next !== target, Math.max(target - Date.now(), 1))) continue;
    next = null;
    const { nextCheckAt } = await recheckAt(new Date(target).toISOString());
    if (nextCheckAt) {
      const ms = Date.parse(nextCheckAt);
      if (next === null || ms < next) next = ms;
    }
    if (next === null) return ENDED;
  }
  return next ?? undefined;
}

/** Release 0.3's timer for one (segment, customer): kept so that runs still waiting finish. */
export async function segmentTimerWorkflow(input: SegmentTimerInput, pending?: number): Promise<void> {
  const next = await recheckLoop(pending, (at) => reevaluateSegment({ ...input, at }));
  if (next !== ENDED) await continueAsNew<typeof segmentTimerWorkflow>(input, next);
}

/**
 * A customer's segment clock: sleeps until the earliest moment a time-relative rule may change one of their
 * memberships, then re-evaluates all their time-relative segments as of that moment.
 */
export async function segmentClockWorkflow(input: SegmentClockInput, pending?: number): Promise<void> {
  const next = await recheckLoop(pending, (at) => reevaluateTimedSegments({ ...input, at }));
  if (next !== ENDED) await continueAsNew<typeof segmentClockWorkflow>(input, next);
}
