import type { GraphProblem } from '@itinera/schemas';

export function ProblemsList({
  problems,
  onPick,
}: {
  problems: GraphProblem[];
  onPick(nodeId: string): void;
}) {
  if (problems.length === 0) {
    return (
      <p className="problems-ok" data-testid="problems-ok">
        ✓ No problems — ready to publish
      </p>
    );
  }
  return (
    <div className="problems">
      <h3>
        {problems.length} problem{problems.length === 1 ? '' : 's'}
      </h3>
      <ul data-testid="problems-list">
        {problems.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: problems are recomputed wholesale
          <li key={i}>
            {p.nodeId ? (
              <button
                type="button"
                className="link"
                onClick={() => onPick(p.nodeId!)}
                data-testid="problem-item"
              >
                {p.message}
              </button>
            ) : (
              <span data-testid="problem-item">{p.message}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
