import type { JourneyAnalytics, VersionDetail, VersionSummary } from '@itinera/schemas';
import { useMemo, useState } from 'react';
import { href } from '../app/router.ts';
import type { CanvasDecor } from '../canvas/decor.tsx';
import { GraphView } from '../canvas/GraphView.tsx';
import { useApi } from '../ui/useApi.ts';
import { Funnel, OverTime, Variants } from './Charts.tsx';
import { duration, edgeShares, money, nodeFigures, percent } from './figures.ts';
import { ReportTables } from './Tables.tsx';
import './report.css';

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A journey's report: picker, canvas overlay, charts, and every table with its CSV. */
export function ReportPage({ journeyId }: { journeyId: string }) {
  const base = `/v1/journeys/${encodeURIComponent(journeyId)}`;
  const [from, setFrom] = useState(() => day(Date.now() - 29 * DAY_MS));
  const [to, setTo] = useState(() => day(Date.now()));
  const [version, setVersion] = useState<number | null>(null);
  const versions = useApi<VersionSummary[]>(`${base}/versions`);
  const shown = version ?? versions.data?.[0]?.version ?? null;
  const detail = useApi<VersionDetail>(shown ? `${base}/versions/${shown}` : null);
  const range = new URLSearchParams({
    from: `${from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString(),
    ...(version ? { version: String(version) } : {}),
  }).toString();
  const report = useApi<JourneyAnalytics>(`${base}/analytics?${range}`);
  const overlay = useMemo(() => {
    if (!report.data || !detail.data) return null;
    const decor: CanvasDecor = {
      problems: new Map(),
      stats: null,
      trail: null,
      figures: nodeFigures(report.data, detail.data.graph),
    };
    return { decor, notes: edgeShares(report.data) };
  }, [report.data, detail.data]);

  const r = report.data;
  return (
    <section className="page report" data-testid="journey-report">
      <div className="journey-bar">
        <a href={href('journeys', journeyId)} className="back" aria-label="Back to the journey">
          ←
        </a>
        <strong>{detail.data?.name ?? journeyId}</strong> <span>analytics</span>
        <label>
          From{' '}
          <input
            type="date"
            value={from}
            max={to}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="report-from"
          />
        </label>
        <label>
          To{' '}
          <input
            type="date"
            value={to}
            min={from}
            onChange={(e) => setTo(e.target.value)}
            data-testid="report-to"
          />
        </label>
        <label>
          Version{' '}
          <select
            value={version ?? ''}
            onChange={(e) => setVersion(e.target.value ? Number(e.target.value) : null)}
            data-testid="report-version"
          >
            <option value="">All versions</option>
            {versions.data?.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
      </div>
      {report.error && (
        <div className="banner banner-error" role="alert">
          {report.error}
        </div>
      )}
      {!r ? (
        <p className="loading">Loading analytics…</p>
      ) : (
        <>
          <dl className="report-summary" data-testid="report-summary">
            {(
              [
                ['Entered', r.summary.entered],
                ['Waiting now', r.summary.waiting],
                ['Converted', `${r.summary.converted} (${percent(r.summary.conversionRate)})`],
                ['Median time to convert', duration(r.summary.medianTimeToConvertMs)],
                ['Completed', r.summary.completed],
                ['Exited', r.summary.exited],
                ['Revenue', money(r.summary.revenue)],
                [
                  'Revenue per recipient',
                  r.summary.revenuePerRecipient === null ? '–' : money(r.summary.revenuePerRecipient),
                ],
              ] as const
            ).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">
            Figures are hourly rollups, folded through{' '}
            {r.foldedThrough ? new Date(r.foldedThrough).toLocaleString() : 'never yet'}; “waiting now” is
            live.
          </p>
          <div className="report-canvas" data-testid="report-canvas">
            {overlay && detail.data && (
              <GraphView graph={detail.data.graph} decor={overlay.decor} edgeNotes={overlay.notes} />
            )}
          </div>
          <div className="report-charts">
            <Funnel report={r} />
            <OverTime report={r} />
            <Variants report={r} />
          </div>
          <ReportTables report={r} csv={`${base}/analytics/{table}.csv?${range}`} />
        </>
      )}
    </section>
  );
}
