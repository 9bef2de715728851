import type { Services } from '../app.ts';
import { every, processHolder } from './periodic.ts';

export interface SweeperOptions {
  /** How often to look for deferred events and closed runs. Default 2 s, so recovery follows Temporal's return within seconds. */
  intervalMs?: number;
  /** Names this process in the sweep lease (one holder sweeps per period across all API processes). */
  holder?: string;
  onError?: (error: unknown) => void;
}

/**
 * Delivers events deferred while Temporal was unreachable (as soon as it answers again), re-routes events a
 * crashed process left half-routed, and ends enrollments whose workflow run closed without recording it.
 */
export function startSweeper({ ingestion, enrollments, segments }: Services, options: SweeperOptions = {}) {
  const intervalMs = options.intervalMs ?? 2_000;
  const holder = options.holder ?? processHolder();
  const sweep = async () => {
    await segments.runBackfills(holder).catch((error) => options.onError?.(error));
    if (!(await enrollments.router.temporalReachable())) return;
    const swept = await ingestion.sweepWithLease(holder, intervalMs);
    if (swept !== null) await enrollments.router.reconcileClosedRuns();
    if (swept !== null) await ingestion.computed.resumeStaleBackfills();
  };
  return every(intervalMs, sweep, options.onError);
}
