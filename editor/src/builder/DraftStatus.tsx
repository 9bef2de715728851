import type { PresenceEntry } from '../api/drafts.ts';
import type { VersionSummary } from '../api/types.ts';
import type { GraphDiff } from '../graph/diff.ts';
import { useApi } from '../ui/useApi.ts';

const nodes = (n: number) => `${n} node${n === 1 ? '' : 's'}`;

/** "Draft differs from live v1: 2 nodes changed", or that it matches. */
export function LiveDiffNote({ live, diff }: { live: number; diff: GraphDiff | null }) {
  if (!diff) return null;
  return (
    <span className={`draft-diff${diff.count ? ' is-different' : ''}`} data-testid="draft-diff">
      {diff.count
        ? `Draft differs from live v${live}: ${nodes(diff.count)} changed`
        : `Draft matches live v${live}`}
    </span>
  );
}

/** Picks a published version to compare the draft with on the canvas. */
export function CompareSelect({
  journeyId,
  value,
  onChange,
}: {
  journeyId: string;
  value: number | null;
  onChange(version: number | null): void;
}) {
  const { data } = useApi<VersionSummary[]>(`/v1/journeys/${encodeURIComponent(journeyId)}/versions`);
  if (!data?.length) return null;
  return (
    <label className="compare">
      <span className="muted">Compare with</span>
      <select
        data-testid="compare-version"
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
      >
        <option value="">nothing</option>
        {data.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
            {v.note ? ` — ${v.note}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Under the bar while comparing: the legend and the nodes the draft no longer has. */
export function CompareStrip({ version, diff }: { version: number; diff: GraphDiff }) {
  const counts = { added: 0, changed: 0 };
  for (const change of diff.nodes.values()) counts[change]++;
  return (
    <div className="compare-strip" data-testid="compare-strip">
      Against v{version}: <span className="diff-key diff-added">{counts.added} added</span>{' '}
      <span className="diff-key diff-changed">{counts.changed} changed</span>{' '}
      <span className="diff-key diff-removed">{diff.removed.length} removed</span>
      {diff.removed.length > 0 && (
        <span data-testid="compare-removed">
          {' '}
          — removed: {diff.removed.map((n) => n.label || n.id).join(', ')}
        </span>
      )}
    </div>
  );
}

/** Who else has this journey open. */
export function PresenceNote({ others }: { others: PresenceEntry[] }) {
  if (others.length === 0) return null;
  return (
    <span className="presence" data-testid="presence" title="They have this journey open right now">
      👥 Also here: {others.map((o) => o.name).join(', ')}
    </span>
  );
}
