import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { JourneyStats } from '../api/types.ts';

const POLL_MS = 3000;

/** Polls a journey's stats every 3 s while `enabled`. */
export function useLiveStats(journeyId: string, enabled: boolean): JourneyStats | null {
  const [stats, setStats] = useState<JourneyStats | null>(null);
  useEffect(() => {
    if (!enabled) {
      setStats(null);
      return;
    }
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      try {
        const value = await api<JourneyStats>(`/v1/journeys/${encodeURIComponent(journeyId)}/stats`);
        if (!cancelled) setStats(value);
      } catch {
        // A missed poll is not worth a toast; the next one will retry.
      }
      if (!cancelled) timer = setTimeout(tick, POLL_MS);
    };
    tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [journeyId, enabled]);
  return stats;
}
