import { useSyncExternalStore } from 'react';

/** Whether the API last answered "temporarily unavailable" (503) or could not be reached at all. */
let unavailable: string | null = null;
const listeners = new Set<() => void>();

export function reportAvailability(problem: string | null): void {
  if (problem === unavailable) return;
  unavailable = problem;
  for (const listener of listeners) listener();
}

/** The current outage message, or null while the API answers normally. */
export function useServiceOutage(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => unavailable,
  );
}
