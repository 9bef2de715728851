import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Services } from '../app.ts';

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
export function startSweeper({ ingestion, enrollments }: Services, options: SweeperOptions = {}) {
  const intervalMs = options.intervalMs ?? 2_000;
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID()}`;
  let running: Promise<void> | null = null;
  const sweep = async () => {
    if (!(await enrollments.router.temporalReachable())) return;
    const swept = await ingestion.sweepWithLease(holder, intervalMs);
    if (swept !== null) await enrollments.router.reconcileClosedRuns();
    if (swept !== null) await ingestion.computed.resumeStaleBackfills();
  };
  const timer = setInterval(() => {
    // A slow sweep is never overlapped by the next tick.
    running ??= sweep()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
