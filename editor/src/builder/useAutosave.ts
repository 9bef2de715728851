import type { CanvasNote, JourneyGraph, JourneySettings } from '@itinera/schemas';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConflictError, type DraftConflict, saveDraft } from '../api/drafts.ts';
import { useToast } from '../ui/toasts.tsx';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error' | 'conflict';
const DELAY_MS = 800;

interface Draft {
  name: string;
  graph: JourneyGraph;
  settings: JourneySettings;
  notes?: CanvasNote[];
}

/**
 * Saves the draft (debounced) against the revision it was loaded at. "saved" means the server holds exactly
 * what is on screen: an undo back to the saved draft reads saved again. Leaving the page (reload, back,
 * closing the tab, switching away) sends pending changes with a keepalive request and, while anything is
 * unsaved, asks the browser to warn. A save refused because someone else saved first stops autosaving and
 * reports the conflict; `keepMine` saves over theirs.
 */
export function useAutosave(journeyId: string, draft: Draft, startRevision: number, enabled: boolean) {
  const toast = useToast();
  const body = JSON.stringify(draft);
  const saved = useRef(body);
  const latest = useRef(body);
  latest.current = body;
  const revision = useRef(startRevision);
  const [state, setState] = useState<SaveState>('saved');
  const [conflict, setConflict] = useState<DraftConflict | null>(null);
  const conflicted = useRef(false);
  const inFlight = useRef<Promise<void> | null>(null);

  const save = useCallback(
    async (keepalive = false): Promise<void> => {
      // Leaving the page cannot wait: a pending request is chained only when there is one.
      if (inFlight.current) await inFlight.current;
      const payload = latest.current;
      if (conflicted.current) return;
      if (payload === saved.current) {
        setState('saved');
        return;
      }
      setState('saving');
      const request = saveDraft(journeyId, JSON.parse(payload) as Draft, revision.current, keepalive).then(
        (journey) => {
          saved.current = payload;
          revision.current = journey.revision ?? revision.current + 1;
          const current = latest.current === payload;
          setState(current ? 'saved' : 'dirty');
          // Edits made while this request was out (or undone back to the old draft) still need a save.
          if (!current) setTimeout(() => save().catch(() => {}), 0);
        },
        (error) => {
          if (error instanceof ConflictError) {
            conflicted.current = true;
            setConflict(error.conflict);
            setState('conflict');
          } else {
            setState('error');
            toast.error(error);
          }
          throw error;
        },
      );
      inFlight.current = request.then(
        () => {
          inFlight.current = null;
        },
        () => {
          inFlight.current = null;
        },
      );
      await request;
    },
    [journeyId, toast],
  );

  useEffect(() => {
    if (!enabled || conflicted.current) return;
    if (body === saved.current) {
      if (!inFlight.current) setState('saved');
      return;
    }
    setState('dirty');
    const timer = setTimeout(() => save().catch(() => {}), DELAY_MS);
    return () => clearTimeout(timer);
  }, [body, enabled, save]);

  useEffect(() => {
    if (!enabled) return;
    const unsaved = () => latest.current !== saved.current;
    const flushOnLeave = () => {
      if (unsaved() && !conflicted.current) save(true).catch(() => {});
    };
    const onVisibility = () => document.visibilityState === 'hidden' && flushOnLeave();
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!unsaved()) return;
      flushOnLeave();
      event.preventDefault();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flushOnLeave);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flushOnLeave);
      window.removeEventListener('beforeunload', onBeforeUnload);
      // Leaving the editor inside the app (back to the list, another route) saves what is pending.
      flushOnLeave();
    };
  }, [enabled, save]);

  /** Saves this screen over the other person's revision. */
  const keepMine = useCallback(() => {
    if (!conflict) return Promise.resolve();
    revision.current = conflict.revision;
    conflicted.current = false;
    setConflict(null);
    saved.current = '';
    return save();
  }, [conflict, save]);

  return { state, conflict, flush: save, keepMine };
}
