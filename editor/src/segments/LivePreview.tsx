import type { DryRunResult, SegmentRule } from '@itinera/schemas';
import { useEffect, useState } from 'react';
import { ApiError, post } from '../api/client.ts';
import { href } from '../app/router.ts';
import { useDebounced } from '../ui/useDebounced.ts';

export interface RuleProblem {
  field?: string;
  message: string;
}

/** The API's dry run of the rules being edited: how many customers match now, and a few of them. */
export function LivePreview({
  rules,
  onProblem,
}: {
  rules: SegmentRule;
  onProblem(problem: RuleProblem | null): void;
}) {
  const settled = useDebounced(JSON.stringify(rules), 400);
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [problem, setProblem] = useState<RuleProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // The customers change too: the estimate is taken again every little while, not only on edits.
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && setTick((t) => t + 1), 10_000);
    return () => clearInterval(timer);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reports through a callback the parent owns
  useEffect(() => {
    let cancelled = false;
    setBusy(true);
    post<DryRunResult>('/v1/segments/dry-run', { rules: JSON.parse(settled), sample: 10 })
      .then((value) => {
        if (cancelled) return;
        setResult(value);
        setProblem(null);
        onProblem(null);
      })
      .catch((e) => {
        if (cancelled) return;
        const next = { field: e instanceof ApiError ? e.field : undefined, message: String(e.message) };
        setProblem(next);
        onProblem(next);
      })
      .finally(() => !cancelled && setBusy(false));
    return () => {
      cancelled = true;
    };
  }, [settled, tick]);
  return (
    <aside className="card live-preview" data-testid="segment-preview" aria-busy={busy}>
      <h2>Estimated size</h2>
      {problem ? (
        <p className="error" role="alert" data-testid="segment-rule-problem">
          {problem.message}
        </p>
      ) : (
        result && (
          <>
            <p>
              <strong data-testid="segment-estimate">{result.count}</strong> customers match now
              {result.evaluated > result.count && (
                <span className="muted"> (of {result.evaluated} the store could not rule out)</span>
              )}
            </p>
            <ul className="rows" data-testid="segment-sample">
              {result.sample.map((id) => (
                <li key={id}>
                  <a href={href('customers', id)}>{id}</a>
                </li>
              ))}
            </ul>
          </>
        )
      )}
    </aside>
  );
}
