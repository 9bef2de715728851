import type { MigrationStatus } from '@itinera/schemas';
import { useEffect, useState } from 'react';
import { api, errorMessage, post } from '../api/client.ts';

const POLL_MS = 1000;

/** Finished when the driver stopped and every customer it asked has answered. */
const settled = (status: MigrationStatus) => status.state !== 'running' && status.counts.pending === 0;

function summary({ state, counts }: MigrationStatus): string {
  const parts = [
    `${counts.moved} of ${counts.planned} moved`,
    counts.pending > 0 ? `${counts.pending} asked, not answered yet` : '',
    counts.remaining > 0 ? `${counts.remaining} not reached yet` : '',
    counts.skipped > 0 ? `${counts.skipped} stayed (unmapped)` : '',
    counts.refused > 0 ? `${counts.refused} refused` : '',
    counts.ended > 0 ? `${counts.ended} ended first` : '',
    counts.failed > 0 ? `${counts.failed} failed` : '',
  ];
  return `Migration ${state}: ${parts.filter(Boolean).join(', ')}.`;
}

/** The background cutover's progress, polled until it settles, with a cancel while it runs. */
export function MigrationProgress({ url, initial }: { url: string; initial: MigrationStatus }) {
  const [status, setStatus] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const done = settled(status);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each new status arms the next poll
  useEffect(() => {
    if (done) return;
    const timer = setTimeout(() => {
      api<MigrationStatus>(url).then(
        (next) => {
          setStatus(next);
          setError(null);
        },
        (e) => setError(errorMessage(e)),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [url, status, done]);

  async function cancel() {
    setCancelling(true);
    try {
      setStatus(await post<MigrationStatus>(`${url}/cancel`));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setCancelling(false);
    }
  }

  return (
    <div data-testid="migration-progress" data-state={done ? status.state : 'moving'}>
      <p data-testid="migration-result">{summary(status)}</p>
      <progress max={Math.max(status.counts.planned, 1)} value={status.counts.moved} />
      {error && (
        <p className="error" data-testid="migration-progress-error">
          {error}
        </p>
      )}
      {status.state === 'running' && (
        <button type="button" onClick={cancel} disabled={cancelling} data-testid="migration-cancel">
          {cancelling ? 'Stopping…' : 'Stop moving'}
        </button>
      )}
    </div>
  );
}
