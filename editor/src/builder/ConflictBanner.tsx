import type { JourneyGraph } from '@itinera/schemas';
import { useEffect, useState } from 'react';
import { type DraftConflict, loadDraft } from '../api/drafts.ts';
import { diffGraphs } from '../graph/diff.ts';
import { formatTime } from '../ui/format.ts';

/**
 * Someone saved the draft after this editor loaded it: says who, when and which nodes now differ, and
 * offers to load their draft or to save this one over it.
 */
export function ConflictBanner({
  journeyId,
  conflict,
  mine,
  onReload,
  onKeepMine,
}: {
  journeyId: string;
  conflict: DraftConflict;
  mine: JourneyGraph;
  onReload(): void;
  onKeepMine(): void;
}) {
  const [differs, setDiffers] = useState<string[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: compared once, against the screen at conflict time
  useEffect(() => {
    loadDraft(journeyId)
      .then((theirs) => {
        const diff = diffGraphs(theirs.graph, mine);
        const names = new Map([...theirs.graph.nodes, ...mine.nodes].map((n) => [n.id, n.label || n.id]));
        setDiffers([...diff.nodes.keys(), ...diff.removed.map((n) => n.id)].map((id) => names.get(id) ?? id));
      })
      .catch(() => setDiffers(null));
  }, [journeyId, conflict.revision]);
  return (
    <div className="banner banner-conflict" role="alert" data-testid="conflict-banner">
      <strong>{conflict.updatedBy ?? 'Someone else'}</strong> saved this draft at{' '}
      {formatTime(conflict.updatedAt)} while you were editing, so your latest changes are not saved.
      {differs && (
        <span data-testid="conflict-nodes">
          {' '}
          {differs.length
            ? `Their draft differs from yours at: ${differs.join(', ')}.`
            : 'Their nodes match yours (the name or layout differs).'}
        </span>
      )}
      <span className="banner-actions">
        <button type="button" onClick={onReload} data-testid="conflict-reload">
          Load their draft
        </button>
        <button type="button" className="danger" onClick={onKeepMine} data-testid="conflict-keep-mine">
          Keep mine (save over theirs)
        </button>
      </span>
    </div>
  );
}
