import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useState } from 'react';
import { type DraftJourney, loadDraft } from '../api/drafts.ts';
import type { VersionDetail } from '../api/types.ts';
import { href } from '../app/router.ts';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { Editor } from './Editor.tsx';

/** Loads a journey (and optionally one published version) and opens it in the editor. */
export function BuilderPage({ journeyId, version }: { journeyId: string; version?: number }) {
  const base = `/v1/journeys/${encodeURIComponent(journeyId)}`;
  const journey = useApi<DraftJourney>(base);
  const toast = useToast();
  // Reloading the draft (after a conflict) remounts the editor on the server's copy.
  const [generation, setGeneration] = useState(0);
  const { setData } = journey;
  const reloadDraft = useCallback(() => {
    loadDraft(journeyId)
      .then((fresh) => {
        setData(fresh);
        setGeneration((g) => g + 1);
      })
      .catch(toast.error);
  }, [journeyId, setData, toast]);
  const snapshot = useApi<VersionDetail>(version ? `${base}/versions/${version}` : null);
  const error = journey.error ?? snapshot.error;
  if (error) {
    return (
      <div className="page">
        <div className="banner banner-error" role="alert">
          {error}
        </div>
        <a href={href('journeys')}>Back to journeys</a>
      </div>
    );
  }
  if (!journey.data || (version && !snapshot.data)) return <p className="loading">Loading journey…</p>;
  return (
    <ReactFlowProvider key={generation}>
      <Editor
        journey={journey.data}
        version={snapshot.data ?? undefined}
        onJourneyChanged={journey.reload}
        onReloadDraft={reloadDraft}
      />
    </ReactFlowProvider>
  );
}
