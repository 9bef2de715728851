import type { SegmentSizeBucket, SegmentSizeHistory } from '@itinera/schemas';
import { useState } from 'react';
import { Line } from 'react-chartjs-2';
// Registers the chart.js parts the analytics charts and this one use.
import '../analytics/Charts.tsx';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';

const sizesPath = (segmentId: string, query: string) =>
  `/v1/segments/${encodeURIComponent(segmentId)}/sizes?${query}`;

/** The member count now (the last hour's history is the cheapest the API answers). */
export function SegmentSize({ segmentId }: { segmentId: string }) {
  const [since] = useState(() => new Date(Date.now() - 3_600_000).toISOString());
  const { data } = useApi<SegmentSizeHistory>(sizesPath(segmentId, `bucket=hour&from=${since}`));
  return <>{data ? data.current : '…'}</>;
}

const RANGES: Record<string, { bucket: SegmentSizeBucket; ms: number }> = {
  '48 hours': { bucket: 'hour', ms: 48 * 3_600_000 },
  '30 days': { bucket: 'day', ms: 30 * 86_400_000 },
  '365 days': { bucket: 'day', ms: 365 * 86_400_000 },
};

/** Members at the end of each hour or day, with the entries and exits in it. */
export function SizeChart({ segmentId }: { segmentId: string }) {
  const [range, setRange] = useState('30 days');
  const [from, setFrom] = useState(() => new Date(Date.now() - RANGES[range].ms).toISOString());
  const { bucket } = RANGES[range];
  // Without `to` the range ends now, so each refresh follows the live size.
  const { data, error, reload } = useApi<SegmentSizeHistory>(
    sizesPath(segmentId, `bucket=${bucket}&from=${from}`),
  );
  useRefresh([reload]);
  const label = (at: string) =>
    bucket === 'day' ? at.slice(0, 10) : `${at.slice(5, 10)} ${at.slice(11, 16)}`;
  return (
    <div className="size-chart">
      <div className="page-head">
        <h2>
          Size over time{' '}
          {data && (
            <span className="muted" data-testid="segment-current-size">
              {data.current} now
            </span>
          )}
        </h2>
        <select
          aria-label="Range"
          data-testid="size-range"
          value={range}
          onChange={(e) => {
            setRange(e.target.value);
            setFrom(new Date(Date.now() - RANGES[e.target.value].ms).toISOString());
          }}
        >
          {Object.keys(RANGES).map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </div>
      {error && <p className="error">{error}</p>}
      {data && (
        <div className="chart" data-testid="chart-segment-size">
          <Line
            options={{ responsive: true, maintainAspectRatio: false, animation: false }}
            data={{
              labels: data.points.map((p) => label(p.at)),
              datasets: [
                { label: 'Members', data: data.points.map((p) => p.size), borderColor: '#4f6bed' },
                { label: 'Entered', data: data.points.map((p) => p.entered), borderColor: '#1f9d55' },
                { label: 'Exited', data: data.points.map((p) => p.exited), borderColor: '#d64545' },
              ],
            }}
          />
        </div>
      )}
    </div>
  );
}
