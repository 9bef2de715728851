import type { BroadcastView, SegmentView } from '@itinera/schemas';
import { post } from '../api/client.ts';
import type { JourneySummary } from '../api/types.ts';
import { href } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { formatTime } from '../ui/format.ts';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';
import { BroadcastForm } from './BroadcastForm.tsx';

const ACTIONS: Record<string, ('pause' | 'resume' | 'cancel')[]> = {
  scheduled: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
};

function describeSchedule(b: BroadcastView): string {
  const s = b.schedule;
  if (s.kind === 'now') return 'now';
  if (s.kind === 'at') return `at ${formatTime(s.at)}`;
  return `${s.time} local (fallback ${s.fallbackTimezone})`;
}

/** Broadcasts: start one, then follow each one's progress and pause, resume or cancel it. */
export function BroadcastsPage() {
  const list = useApi<BroadcastView[]>('/v1/broadcasts');
  const journeys = useApi<JourneySummary[]>('/v1/journeys');
  const segments = useApi<SegmentView[]>('/v1/segments');
  const canWrite = useCan('journeys:write');
  const toast = useToast();
  useRefresh([list.reload], 2_000);
  const name = (items: { id: string; name: string }[] | null, id: string) =>
    items?.find((i) => i.id === id)?.name ?? id;
  const act = async (id: string, action: string) => {
    try {
      await post(`/v1/broadcasts/${encodeURIComponent(id)}/${action}`);
      list.reload();
    } catch (e) {
      toast.error(e);
    }
  };

  return (
    <section className="page broadcasts-page">
      <h1>Broadcasts</h1>
      <p className="muted">Send a live journey once to everyone in a segment.</p>
      {canWrite && <BroadcastForm onCreated={list.reload} />}
      {list.error && (
        <div className="banner banner-error" role="alert">
          {list.error}
        </div>
      )}
      {list.data && list.data.length === 0 && <p className="muted">No broadcasts yet.</p>}
      {list.data && list.data.length > 0 && (
        <table className="table" data-testid="broadcasts">
          <thead>
            <tr>
              <th>Journey</th>
              <th>Segment</th>
              <th>When</th>
              <th>Throttle</th>
              <th>Holdout</th>
              <th>State</th>
              <th>Entered / remaining</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((b) => (
              <tr key={b.id} data-testid={`broadcast-${b.id}`}>
                <td>
                  <a href={href('journeys', b.journeyId)}>{name(journeys.data, b.journeyId)}</a>
                </td>
                <td>
                  <a href={href('segments', b.segmentId)}>{name(segments.data, b.segmentId)}</a>
                </td>
                <td>{describeSchedule(b)}</td>
                <td>{b.ratePerMinute ? `${b.ratePerMinute}/min` : '—'}</td>
                <td>{b.holdoutPercent ? `${b.holdoutPercent}%` : '—'}</td>
                <td>
                  <span className={`status status-${b.state}`} data-testid="broadcast-state">
                    {b.state}
                  </span>
                </td>
                <td data-testid="broadcast-progress">
                  {b.progress.entered} entered / {b.progress.remaining} remaining
                  <span className="muted">
                    {' '}
                    ({b.progress.heldOut} held out, {b.progress.skipped} skipped, {b.progress.total} in total)
                  </span>
                </td>
                <td>
                  {canWrite &&
                    (ACTIONS[b.state] ?? []).map((action) => (
                      <button
                        key={action}
                        type="button"
                        data-testid={`broadcast-${action}`}
                        onClick={() => act(b.id, action)}
                      >
                        {action.charAt(0).toUpperCase() + action.slice(1)}
                      </button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
