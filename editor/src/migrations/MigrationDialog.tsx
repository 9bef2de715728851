import type { MigrationGroup, MigrationPreview, MigrationRun, NextSend } from '@itinera/schemas';
import { useEffect, useState } from 'react';
import { errorMessage, post } from '../api/client.ts';
import type { VersionDetail } from '../api/types.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { useApi } from '../ui/useApi.ts';
import { MigrationProgress } from './MigrationProgress.tsx';
import './migration.css';

const STAY = '';

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : 'unknown';
}

function describeNext(next: NextSend | null): string {
  if (!next) return 'no further message';
  const what = `${next.channel ?? 'message'} ${next.label ?? next.nodeId}`;
  const at = next.earliestAt
    ? next.earliestAt === next.latestAt
      ? ` at ${when(next.earliestAt)}`
      : ` between ${when(next.earliestAt)} and ${when(next.latestAt)}`
    : '';
  return `${what} after ${next.after}${at}`;
}

function landing(group: MigrationGroup): string {
  if (!group.toNodeId) return group.stayReason ?? 'stays';
  const deadline =
    group.keepsDeadline && group.wakeAt ? `keeps its wake-up (${when(group.wakeAt.earliest)}); ` : '';
  return `${deadline}next: ${describeNext(group.next)}`;
}

/**
 * Offered after publishing a version while customers wait in the previous one: a mapping per node with
 * customers (suggested where ids and types match), the impact of that mapping, and the move itself.
 * Closing it keeps everyone on the version they entered.
 */
export function MigrationDialog({
  journeyId,
  fromVersion,
  toVersion,
  onClose,
}: {
  journeyId: string;
  fromVersion: number;
  toVersion: number;
  onClose(): void;
}) {
  const base = `/v1/journeys/${encodeURIComponent(journeyId)}`;
  const target = useApi<VersionDetail>(`${base}/versions/${toVersion}`);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [preview, setPreview] = useState<MigrationPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState<MigrationRun | null>(null);
  const [rate, setRate] = useState('');

  useEffect(() => {
    let cancelled = false;
    post<MigrationPreview>(`${base}/migrations/preview`, { fromVersion, toVersion, mapping })
      .then((value) => {
        if (cancelled) return;
        setPreview(value);
        setError(null);
      })
      .catch((e) => !cancelled && setError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
  }, [base, fromVersion, toVersion, mapping]);

  async function move() {
    setBusy(true);
    try {
      const ratePerMinute = rate ? Number(rate) : undefined;
      setRun(
        await post<MigrationRun>(`${base}/migrations`, { fromVersion, toVersion, mapping, ratePerMinute }),
      );
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const targets = target.data?.graph.nodes ?? [];
  return (
    <Dialog title={`Move waiting customers to v${toVersion}?`} onClose={onClose} testId="migration-dialog">
      {error && (
        <p className="error" data-testid="migration-error">
          {error}
        </p>
      )}
      {preview && (
        <p data-testid="migration-summary">
          {preview.moving} of {preview.total} customer(s) waiting in v{fromVersion} would move;{' '}
          {preview.staying} would finish on v{fromVersion}.
        </p>
      )}
      {preview && target.data && preview.groups.length > 0 && (
        <table className="table" data-testid="migration-groups">
          <thead>
            <tr>
              <th>Waiting at (v{fromVersion})</th>
              <th>Customers</th>
              <th>Moves to (v{toVersion})</th>
              <th>Then</th>
            </tr>
          </thead>
          <tbody>
            {preview.groups.map((group) => (
              <tr key={group.fromNodeId} data-testid={`migration-group-${group.fromNodeId}`}>
                <td>
                  {group.fromNodeId} <span className="muted">({group.fromNodeType})</span>
                </td>
                <td>{group.customers}</td>
                <td>
                  <select
                    aria-label={`Target for ${group.fromNodeId}`}
                    data-testid={`migration-target-${group.fromNodeId}`}
                    disabled={run !== null}
                    value={group.toNodeId ?? STAY}
                    onChange={(e) => setMapping({ ...mapping, [group.fromNodeId]: e.target.value || null })}
                  >
                    <option value={STAY}>stay on v{fromVersion}</option>
                    {targets.map((node) => (
                      <option key={node.id} value={node.id}>
                        {node.id} ({node.type})
                        {preview.suggestions[group.fromNodeId] === node.id ? ' · suggested' : ''}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-testid={`migration-then-${group.fromNodeId}`}>{landing(group)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {run?.migration && (
        <MigrationProgress url={`${base}/migrations/${run.migrationId}`} initial={run.migration} />
      )}
      {!run && (
        <label className="migration-rate">
          At most{' '}
          <input
            type="number"
            min={1}
            value={rate}
            onChange={(e) => setRate(e.target.value)}
            placeholder="all"
            aria-label="Customers moved per minute"
            data-testid="migration-rate"
          />{' '}
          customers a minute (empty: as fast as the workers take them)
        </label>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose} data-testid="migration-close">
          {run ? 'Close' : `Keep everyone on v${fromVersion}`}
        </button>
        {!run && (
          <button
            type="button"
            className="primary"
            disabled={busy || !preview || preview.moving === 0}
            onClick={move}
            data-testid="migration-confirm"
          >
            {busy ? 'Moving…' : `Move ${preview?.moving ?? 0} customer(s)`}
          </button>
        )}
      </div>
    </Dialog>
  );
}

/** True when customers wait in `fromVersion`: only then is the dialog worth showing (not when unknown). */
export async function customersWaitIn(journeyId: string, fromVersion: number, toVersion: number) {
  const url = `/v1/journeys/${encodeURIComponent(journeyId)}/migrations/preview`;
  return post<MigrationPreview>(url, { fromVersion, toVersion }).then(
    (preview) => preview.total > 0,
    () => false,
  );
}
