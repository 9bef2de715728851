import type { JourneyGraph, JourneySettings } from '@itinera/schemas';
import { useMemo, useState } from 'react';
import type { PublishedVersion as VersionDetail } from '../api/drafts.ts';
import { diffGraphs, type GraphDiff } from '../graph/diff.ts';
import { useApi } from '../ui/useApi.ts';

function useVersion(journeyId: string, version: number | null) {
  const { data } = useApi<VersionDetail>(
    version ? `/v1/journeys/${encodeURIComponent(journeyId)}/versions/${version}` : null,
  );
  return data && data.version === version ? data : null;
}

const sameSettings = (a: JourneySettings, b: JourneySettings) =>
  (Object.keys(b) as (keyof JourneySettings)[]).every((key) => a[key] === b[key]);

/**
 * The draft against the live version (for the bar and to disable a pointless publish) and against a version
 * picked for comparison (highlighted on the canvas). `structure` changes whenever the graph's content does.
 */
export function useDraftDiff(
  journeyId: string,
  liveVersion: number | null,
  draft: { name: string; graph: JourneyGraph; settings: JourneySettings },
  structure: number,
) {
  const [compareTo, setCompareTo] = useState<number | null>(null);
  const live = useVersion(journeyId, liveVersion);
  const compared = useVersion(journeyId, compareTo);
  // biome-ignore lint/correctness/useExhaustiveDependencies: positions do not count; structure tracks the rest
  const liveDiff: GraphDiff | null = useMemo(
    () => (live ? diffGraphs(live.graph, draft.graph) : null),
    [live, structure],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: as above
  const compareDiff: GraphDiff | null = useMemo(
    () => (compared ? diffGraphs(compared.graph, draft.graph) : null),
    [compared, structure],
  );
  const unchanged =
    live && liveDiff?.count === 0 && live.name === draft.name && sameSettings(live.settings, draft.settings)
      ? `Nothing changed since live v${live.version}`
      : undefined;
  return { liveDiff, compareTo, setCompareTo, compareDiff, unchanged };
}
