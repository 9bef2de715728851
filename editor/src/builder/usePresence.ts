import { useEffect, useState } from 'react';
import { heartbeat, leave, type PresenceEntry } from '../api/drafts.ts';

const BEAT_MS = 5_000;

/** Announces that this editor has the journey open and returns who else has (by API key name). */
export function usePresence(journeyId: string): PresenceEntry[] {
  const [others, setOthers] = useState<PresenceEntry[]>([]);
  useEffect(() => {
    let cancelled = false;
    const beat = () =>
      heartbeat(journeyId)
        .then((r) => !cancelled && setOthers(r.others))
        .catch(() => {
          // A missed heartbeat is retried on the next one.
        });
    beat();
    const timer = setInterval(beat, BEAT_MS);
    const onVisible = () => document.visibilityState === 'visible' && beat();
    document.addEventListener('visibilitychange', onVisible);
    const onLeave = () => leave(journeyId);
    window.addEventListener('pagehide', onLeave);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('pagehide', onLeave);
      leave(journeyId);
    };
  }, [journeyId]);
  return others;
}
