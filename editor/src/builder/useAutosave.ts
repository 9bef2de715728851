import type { JourneyGraph } from '@itinera/schemas';
import { useCallback, useEffect, useRef, useState } from 'react';
import { put } from '../api/client.ts';
import { useToast } from '../ui/toasts.tsx';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';
const DELAY_MS = 800;

/** Debounced PUT of the draft whenever name or graph change; `flush` saves right away. */
export function useAutosave(
  journeyId: string,
  draft: { name: string; graph: JourneyGraph },
  enabled: boolean,
) {
  const toast = useToast();
  const body = JSON.stringify(draft);
  const saved = useRef(body);
  const latest = useRef(body);
  latest.current = body;
  const [state, setState] = useState<SaveState>('saved');
  const inFlight = useRef<Promise<void> | null>(null);

  const save = useCallback(async () => {
    await inFlight.current;
    const payload = latest.current;
    if (payload === saved.current) return;
    setState('saving');
    const request = put(`/v1/journeys/${encodeURIComponent(journeyId)}`, JSON.parse(payload)).then(
      () => {
        saved.current = payload;
        setState(latest.current === payload ? 'saved' : 'dirty');
      },
      (error) => {
        setState('error');
        toast.error(error);
        throw error;
      },
    );
    inFlight.current = request.catch(() => {});
    await request;
  }, [journeyId, toast]);

  useEffect(() => {
    if (!enabled || body === saved.current) return;
    setState('dirty');
    const timer = setTimeout(() => save().catch(() => {}), DELAY_MS);
    return () => clearTimeout(timer);
  }, [body, enabled, save]);

  return { state, flush: save };
}
