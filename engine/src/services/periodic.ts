import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Names this process in time-bucketed leases. */
export const processHolder = () => `${hostname()}:${process.pid}:${randomUUID()}`;

/** Runs `tick` every `intervalMs`, never overlapping a slow run with the next; `stop()` waits for the last. */
export function every(intervalMs: number, tick: () => Promise<void>, onError?: (error: unknown) => void) {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= tick()
      .catch((error) => onError?.(error))
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
