import type { SegmentView } from '@itinera/schemas';
import { href, navigate } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import { formatTime } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';
import { SegmentSize } from './SizeChart.tsx';
import './segments.css';

export function SegmentStatus({ segment }: { segment: SegmentView }) {
  if (segment.status === 'ready') return <span className="status status-active">ready</span>;
  const { processed, total } = segment.progress;
  return (
    <span className="status status-paused" data-testid={`segment-computing-${segment.id}`}>
      computing {processed} / {total}
    </span>
  );
}

/** Every segment with its size and whether its membership is still being computed. */
export function SegmentsPage() {
  const { data, error, reload } = useApi<SegmentView[]>('/v1/segments');
  const canWrite = useCan('journeys:write');
  useRefresh([reload]);
  return (
    <section className="page segments-page">
      <div className="page-head">
        <h1>Segments</h1>
        {canWrite && (
          <button type="button" data-testid="segment-new" onClick={() => navigate('segments', 'new')}>
            New segment
          </button>
        )}
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {data && data.length === 0 && <p className="muted">No segments yet.</p>}
      {data && data.length > 0 && (
        <table className="table" data-testid="segments">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Kind</th>
              <th>Size</th>
              <th>Status</th>
              <th>Changed</th>
            </tr>
          </thead>
          <tbody>
            {data.map((segment) => (
              <tr key={segment.id} data-testid={`segment-row-${segment.id}`}>
                <td>
                  <a href={href('segments', segment.id)}>{segment.name}</a>
                </td>
                <td>
                  <code>{segment.id}</code>
                </td>
                <td>{segment.kind === 'manual' ? 'manual list' : 'rules'}</td>
                <td data-testid={`segment-size-${segment.id}`}>
                  <SegmentSize segmentId={segment.id} />
                </td>
                <td>
                  <SegmentStatus segment={segment} />
                </td>
                <td>{formatTime(segment.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
