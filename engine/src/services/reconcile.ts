import {
  COLLECTIONS,
  ENROLLMENT_WORKFLOW,
  type EnrollmentStatus,
  foldKeyOf,
  hourKeyOf,
} from '@itinera/schemas';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { TemporalTarget } from './routing.ts';

type Bounded = <T>(call: () => Promise<T>) => Promise<T>;

/** Run states after which the workflow can no longer record its own end. */
const UNRECORDED_ENDS = ['Terminated', 'Canceled', 'TimedOut', 'Failed'];
/** Visibility may list a closed run a little after it closed; each scan overlaps the previous one by this. */
const VISIBILITY_LAG_MS = 60_000;
/** How far back the first scan of a process looks. */
const FIRST_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/**
 * Finds enrollments still marked active whose workflow run has closed (terminated, cancelled, timed out,
 * failed, or completed without its end reaching the store) and records how they ended.
 */
export function closedRunReconciler(db: Db, temporal: TemporalTarget, bounded: Bounded) {
  const enrollments = db.collection<{ _id: string; status: EnrollmentStatus }>(COLLECTIONS.enrollments);
  const { client } = temporal;
  let scannedUpTo = Date.now() - FIRST_LOOKBACK_MS;

  const markEnded = async (id: string, status: EnrollmentStatus, reason: string, at: Date | undefined) => {
    const endedAt = (at ?? new Date()).toISOString();
    const result = await enrollments.updateOne(
      { _id: id, status: 'active' },
      {
        $set: {
          status,
          endReason: reason,
          endedAt,
          endedHour: hourKeyOf(endedAt),
          currentNodeId: null,
          waitingFor: null,
          nextWakeAt: null,
          updatedAt: endedAt,
          foldKey: foldKeyOf(),
        },
      },
    );
    return result.modifiedCount > 0;
  };

  /** Records the end of the enrollment's closed run; false when a run is open or none ever started. */
  const reconcile = async (id: string): Promise<boolean> => {
    const handle = client.workflow.getHandle(id);
    let described: Awaited<ReturnType<typeof handle.describe>>;
    try {
      described = await bounded(() => handle.describe());
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
    const state = described.status.name;
    if (state === 'RUNNING' || state === 'CONTINUED_AS_NEW') return false;
    if (state === 'COMPLETED') {
      const status = (await bounded(() => handle.result())) as EnrollmentStatus;
      await markEnded(
        id,
        status,
        `Ended as ${status} (recorded from the closed workflow)`,
        described.closeTime,
      );
      return true;
    }
    const how = state.toLowerCase().replace('_', ' ');
    await markEnded(id, 'failed', `Failed: the enrollment's workflow was ${how}`, described.closeTime);
    return true;
  };

  return {
    reconcile,

    /** Scans Temporal's visibility for runs closed since the last scan; returns how many enrollments it ended. */
    async reconcileClosedRuns(): Promise<number> {
      const scanStart = Date.now();
      const since = new Date(scannedUpTo - VISIBILITY_LAG_MS).toISOString();
      const statuses = UNRECORDED_ENDS.map((s) => `'${s}'`).join(', ');
      const query =
        `WorkflowType = '${ENROLLMENT_WORKFLOW}' AND TaskQueue = '${temporal.taskQueue}' ` +
        `AND ExecutionStatus IN (${statuses}) AND CloseTime >= '${since}'`;
      let ended = 0;
      const closed = await bounded(async () => {
        const runs = [];
        for await (const run of client.workflow.list({ query })) runs.push(run);
        return runs;
      });
      for (const run of closed) {
        const how = run.status.name.toLowerCase().replace('_', ' ');
        const reason = `Failed: the enrollment's workflow was ${how}`;
        if (await markEnded(run.workflowId, 'failed', reason, run.closeTime)) ended++;
      }
      scannedUpTo = scanStart;
      return ended;
    },
  };
}
