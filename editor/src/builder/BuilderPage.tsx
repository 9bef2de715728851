import { ReactFlowProvider } from '@xyflow/react';
import type { JourneyDetail, VersionDetail } from '../api/types.ts';
import { href } from '../app/router.ts';
import { useApi } from '../ui/useApi.ts';
import { Editor } from './Editor.tsx';

/** Loads a journey (and optionally one published version) and opens it in the editor. */
export function BuilderPage({ journeyId, version }: { journeyId: string; version?: number }) {
  const base = `/v1/journeys/${encodeURIComponent(journeyId)}`;
  const journey = useApi<JourneyDetail>(base);
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
    <ReactFlowProvider>
      <Editor journey={journey.data} version={snapshot.data ?? undefined} onJourneyChanged={journey.reload} />
    </ReactFlowProvider>
  );
}
