import type { JourneyGraph } from '@itinera/schemas';
import { type FormEvent, useState } from 'react';
import { post } from '../api/client.ts';
import { unarchive } from '../api/drafts.ts';
import type { JourneyDetail, JourneySummary } from '../api/types.ts';
import { href, navigate } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { nodeTypes } from '../graph/node-registry.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { formatTime } from '../ui/format.ts';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';

function starterGraph(): JourneyGraph {
  const trigger = nodeTypes.get('trigger');
  if (!trigger) return { nodes: [], edges: [] };
  return {
    nodes: [
      {
        id: 'trigger_1',
        type: 'trigger',
        config: structuredClone(trigger.defaultConfig) as Record<string, unknown>,
        position: { x: 0, y: 0 },
      },
    ],
    edges: [],
  };
}

export function JourneyList() {
  const { data, error, reload } = useApi<JourneySummary[]>('/v1/journeys');
  const canWrite = useCan('journeys:write');
  const toast = useToast();
  const [name, setName] = useState('');
  const [archiving, setArchiving] = useState<JourneySummary | null>(null);

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      const journey = await post<JourneyDetail>('/v1/journeys', { name: name.trim(), graph: starterGraph() });
      navigate('journeys', journey.id);
    } catch (e) {
      toast.error(e);
    }
  }

  async function act(id: string, action: 'duplicate' | 'archive') {
    try {
      await post(`/v1/journeys/${encodeURIComponent(id)}/${action}`);
      if (action === 'duplicate') toast.info('Journey duplicated');
      else
        toast.info('Journey archived', {
          label: 'Undo',
          run: () =>
            unarchive(id)
              .then(() => toast.info('Journey restored'))
              .catch(toast.error)
              .finally(reload),
        });
      reload();
    } catch (e) {
      toast.error(e);
    }
  }

  return (
    <section className="page">
      <div className="page-head">
        <h1>Journeys</h1>
        {canWrite && (
          <form onSubmit={create} className="inline-form">
            <input
              aria-label="New journey name"
              placeholder="New journey name"
              data-testid="new-journey-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit" className="primary" disabled={!name.trim()} data-testid="create-journey">
              Create journey
            </button>
          </form>
        )}
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {!data && !error && <p className="loading">Loading…</p>}
      {data && data.length === 0 && <p className="muted">No journeys yet.</p>}
      {data && data.length > 0 && (
        <table className="table" data-testid="journey-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Version</th>
              <th>Entered</th>
              <th>Active</th>
              <th>Completed</th>
              <th>Converted</th>
              <th>Updated</th>
              {canWrite && <th />}
            </tr>
          </thead>
          <tbody>
            {data.map((j) => (
              <tr key={j.id} data-testid={`journey-row-${j.id}`}>
                <td>
                  <a href={href('journeys', j.id)}>{j.name}</a>{' '}
                  <a
                    href={href('journeys', j.id, 'analytics')}
                    className="muted"
                    data-testid={`report-${j.id}`}
                  >
                    analytics
                  </a>
                </td>
                <td>
                  <span className={`status status-${j.status}`}>{j.status}</span>
                </td>
                <td>
                  {j.liveVersion
                    ? `v${j.liveVersion} live`
                    : j.latestVersion
                      ? `v${j.latestVersion}`
                      : 'draft'}
                </td>
                <td>{j.stats?.entered ?? 0}</td>
                <td>{j.stats?.active ?? 0}</td>
                <td>{j.stats?.completed ?? 0}</td>
                <td>{j.stats?.converted ?? 0}</td>
                <td>{formatTime(j.updatedAt)}</td>
                {canWrite && (
                  <td className="actions">
                    <button type="button" onClick={() => act(j.id, 'duplicate')}>
                      Duplicate
                    </button>
                    {j.status !== 'archived' && (
                      <button type="button" onClick={() => setArchiving(j)} data-testid={`archive-${j.id}`}>
                        Archive
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {archiving && (
        <Dialog
          title={`Archive “${archiving.name}”?`}
          onClose={() => setArchiving(null)}
          testId="archive-dialog"
        >
          <p>
            {archiving.status === 'live'
              ? 'It stops taking new customers and can no longer be edited. '
              : 'It can no longer be edited. '}
            You can undo this right after.
          </p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setArchiving(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              data-testid="archive-confirm"
              onClick={() => {
                setArchiving(null);
                void act(archiving.id, 'archive');
              }}
            >
              Archive
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
