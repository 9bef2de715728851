import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

/** Activities the API process hosts on `activityTaskQueue` (engine/src/services/broadcast-activities.ts). */
export interface BroadcastActivities {
  snapshotBroadcast(input: { broadcastId: string }): Promise<{ total: number }>;
  enterDue(input: { broadcastId: string; limit: number; nowMs: number }): Promise<{
    /** Customers taken this batch: entered, or refused by the journey's entry rules. */
    processed: number;
    remaining: number;
    nextDueMs: number | null;
  }>;
  markBroadcast(input: { broadcastId: string; state: BroadcastRunState }): Promise<void>;
}

export type BroadcastRunState = 'running' | 'paused' | 'completed' | 'cancelled';

export interface BroadcastWorkflowInput {
  broadcastId: string;
  /** Epoch ms to start at; null starts at once. */
  startAtMs: number | null;
  ratePerMinute: number | null;
  activityTaskQueue: string;
  /** Carried across continue-as-new. */
  resume?: { paused: boolean };
}

export const BROADCAST_WORKFLOW = 'broadcastWorkflow';
export const broadcastPauseSignal = defineSignal('broadcast.pause');
export const broadcastResumeSignal = defineSignal('broadcast.resume');
export const broadcastCancelSignal = defineSignal('broadcast.cancel');
export const broadcastStateQuery = defineQuery<{ paused: boolean; cancelled: boolean }>('broadcast.state');

const UNTHROTTLED_BATCH = 500;
const MINUTE_MS = 60_000;

/**
 * Drives one broadcast: waits for the start, snapshots the segment once, then enters the due customers in batches
 * (at most `ratePerMinute` a minute), until none remain or it is cancelled. Each customer's entry is claimed by a
 * unique insert in the activity, so retries and restarts never enter anyone twice.
 */
export async function broadcastWorkflow(input: BroadcastWorkflowInput): Promise<BroadcastRunState> {
  const acts = proxyActivities<BroadcastActivities>({
    taskQueue: input.activityTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
  });
  let paused = input.resume?.paused ?? false;
  let cancelled = false;
  setHandler(broadcastPauseSignal, () => {
    paused = true;
  });
  setHandler(broadcastResumeSignal, () => {
    paused = false;
  });
  setHandler(broadcastCancelSignal, () => {
    cancelled = true;
  });
  setHandler(broadcastStateQuery, () => ({ paused, cancelled }));
  /** Sleeps, waking early on cancel (or on pause, when `orPause`). */
  const rest = (ms: number, orPause = false) =>
    condition(() => cancelled || (orPause && paused), Math.max(ms, 1));

  if (!input.resume) {
    if (input.startAtMs !== null) await rest(input.startAtMs - Date.now());
    if (!cancelled) {
      await acts.snapshotBroadcast({ broadcastId: input.broadcastId });
      await acts.markBroadcast({ broadcastId: input.broadcastId, state: 'running' });
    }
  }
  const limit = input.ratePerMinute ?? UNTHROTTLED_BATCH;
  while (!cancelled) {
    if (paused) {
      await acts.markBroadcast({ broadcastId: input.broadcastId, state: 'paused' });
      await condition(() => !paused || cancelled);
      if (cancelled) break;
      await acts.markBroadcast({ broadcastId: input.broadcastId, state: 'running' });
    }
    if (workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof broadcastWorkflow>({ ...input, resume: { paused } });
    }
    const batch = await CancellationScope.nonCancellable(() =>
      acts.enterDue({ broadcastId: input.broadcastId, limit, nowMs: Date.now() }),
    );
    if (batch.remaining === 0) break;
    if (input.ratePerMinute !== null && batch.processed > 0) await rest(MINUTE_MS, true);
    else if (batch.processed === 0 && batch.nextDueMs !== null)
      await rest(batch.nextDueMs - Date.now(), true);
  }
  const state = cancelled ? 'cancelled' : 'completed';
  await acts.markBroadcast({ broadcastId: input.broadcastId, state });
  return state;
}
