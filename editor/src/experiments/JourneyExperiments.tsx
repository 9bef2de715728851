import type {
  ArmResult,
  ExperimentResults,
  HoldoutResults,
  JourneyDetail,
  VersionDetail,
} from '@itinera/schemas';
import { errorMessage, post } from '../api/client.ts';
import { href } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { ArmTable } from './ArmTable.tsx';

function SplitExperiment({
  journeyId,
  nodeId,
  onPromoted,
}: {
  journeyId: string;
  nodeId: string;
  onPromoted(): void;
}) {
  const { data, error, reload } = useApi<ExperimentResults>(
    `/v1/journeys/${journeyId}/experiments/${nodeId}`,
  );
  const canWrite = useCan('journeys:write');
  const toast = useToast();
  const promote = async (arm: ArmResult) => {
    if (!window.confirm(`Publish a new version that sends everyone to "${arm.label}"?`)) return;
    try {
      const version = await post<VersionDetail>(`/v1/journeys/${journeyId}/experiments/${nodeId}/promote`, {
        branchId: arm.id,
      });
      toast.info(`Published version ${version.version}: everyone goes to "${arm.label}"`);
      reload();
      onPromoted();
    } catch (e) {
      toast.error(errorMessage(e));
    }
  };
  return (
    <div className="card" data-testid={`experiment-${nodeId}`}>
      <h2>Split "{nodeId}"</h2>
      {error && <div className="banner banner-error">{error}</div>}
      {data && (
        <ArmTable analysis={data} testId={`arms-${nodeId}`} onPromote={canWrite ? promote : undefined} />
      )}
    </div>
  );
}

function Holdout({ journeyId }: { journeyId: string }) {
  const { data, error } = useApi<HoldoutResults>(`/v1/journeys/${journeyId}/holdout`);
  return (
    <div className="card" data-testid="holdout">
      <h2>Holdout</h2>
      {error && <div className="banner banner-error">{error}</div>}
      {data && (
        <>
          <p className="muted">
            {data.holdoutPercent}% of entrants held out by this journey; {data.globalControl} by the global
            control group. Held-out customers receive nothing; their goal conversions are tracked.
          </p>
          <ArmTable analysis={data} testId="holdout-arms" />
        </>
      )}
    </div>
  );
}

/** A journey's holdout report and every split of its live version, with a "promote" button per variant. */
export function JourneyExperiments({ journeyId }: { journeyId: string }) {
  const journey = useApi<JourneyDetail>(`/v1/journeys/${journeyId}`);
  const live = journey.data?.liveVersion ?? journey.data?.latestVersion;
  const version = useApi<VersionDetail & { graph: JourneyDetail['graph'] }>(
    live ? `/v1/journeys/${journeyId}/versions/${live}` : null,
  );
  const splits = version.data?.graph.nodes.filter((n) => n.type === 'split') ?? [];
  return (
    <section className="page">
      <p>
        <a href={href('experiments')}>All experiments</a> ·{' '}
        <a href={href('journeys', journeyId)}>Open in editor</a>
      </p>
      <h1>Experiments: {journey.data?.name ?? journeyId}</h1>
      {journey.error && <div className="banner banner-error">{journey.error}</div>}
      {journey.data && !live && <p className="muted">This journey has not been published yet.</p>}
      {live && <Holdout journeyId={journeyId} />}
      {splits.map((split) => (
        <SplitExperiment
          key={`${live}-${split.id}`}
          journeyId={journeyId}
          nodeId={split.id}
          onPromoted={journey.reload}
        />
      ))}
    </section>
  );
}
