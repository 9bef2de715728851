import type { GlobalControlView, JourneySummary } from '@itinera/schemas';
import { type FormEvent, useEffect, useState } from 'react';
import { errorMessage, put } from '../api/client.ts';
import { href } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';

function GlobalControl() {
  const { data, setData } = useApi<GlobalControlView>('/v1/settings/global-control');
  const canWrite = useCan('settings:write');
  const toast = useToast();
  const [percent, setPercent] = useState<string | null>(null);
  // The saved value fills the field only until the user types.
  useEffect(() => {
    if (data) setPercent((typed) => typed ?? String(data.percent));
  }, [data]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setData(await put<GlobalControlView>('/v1/settings/global-control', { percent: Number(percent ?? 0) }));
      toast.info('Global control group saved');
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  return (
    <form className="card" onSubmit={save} data-testid="global-control">
      <h2>Global control group</h2>
      <p className="muted">
        A stable share of all customers receives no marketing messages from any journey (transactional sends
        still go out), so the lift of all marketing together can be measured.
      </p>
      <label>
        Percent of customers{' '}
        <input
          type="number"
          min={0}
          max={50}
          step={0.5}
          value={percent ?? ''}
          disabled={!canWrite}
          onChange={(e) => setPercent(e.target.value)}
          data-testid="global-control-percent"
        />
      </label>
      {canWrite && (
        <button type="submit" data-testid="global-control-save">
          Save
        </button>
      )}
      {data && (
        <p data-testid="global-control-size">
          {data.customers} customers held out so far ({data.heldOutEnrollments} enrollments)
        </p>
      )}
    </form>
  );
}

/** Journeys whose experiments and holdouts can be read, and the workspace's global control group. */
export function ExperimentsIndex() {
  const { data, error } = useApi<JourneySummary[]>('/v1/journeys');
  const published = (data ?? []).filter((j) => j.liveVersion !== null);
  return (
    <section className="page">
      <h1>Experiments</h1>
      {error && <div className="banner banner-error">{error}</div>}
      <ul data-testid="experiment-journeys">
        {published.map((j) => (
          <li key={j.id}>
            <a href={href('experiments', j.id)}>{j.name}</a>
          </li>
        ))}
      </ul>
      {data && published.length === 0 && <p className="muted">No published journeys yet.</p>}
      <GlobalControl />
    </section>
  );
}
