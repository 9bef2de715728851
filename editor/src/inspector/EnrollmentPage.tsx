import { type FormEvent, useMemo, useState } from 'react';
import { post } from '../api/client.ts';
import type { EnrollmentDetail } from '../api/types.ts';
import { href } from '../app/router.ts';
import { useCan } from '../app/session.tsx';
import type { CanvasDecor } from '../canvas/decor.tsx';
import { GraphView } from '../canvas/GraphView.tsx';
import { nodeName } from '../graph/labels.ts';
import { edgeToFlow } from '../graph/mapping.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { formatTime } from '../ui/format.ts';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';

/** The edges an enrollment took: from each visited node along the port its timeline step left by. */
export function takenEdgeIds(detail: EnrollmentDetail): Set<string> {
  const taken = new Set<string>();
  for (const step of detail.timeline) {
    if (!step.port) continue;
    const edge = detail.graph.edges.find((e) => e.source === step.nodeId && e.sourcePort === step.port);
    if (edge) taken.add(edgeToFlow(edge).id);
  }
  return taken;
}

export function EnrollmentPage({ enrollmentId }: { enrollmentId: string }) {
  const { data, error, reload } = useApi<EnrollmentDetail>(
    `/v1/enrollments/${encodeURIComponent(enrollmentId)}`,
  );
  const canExit = useCan('enrollments:exit');
  const toast = useToast();
  const [exiting, setExiting] = useState(false);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  useRefresh([reload]);

  const view = useMemo(() => {
    if (!data) return null;
    const current = data.enrollment.status === 'active' ? data.enrollment.currentNodeId : null;
    const decor: CanvasDecor = {
      problems: new Map(),
      stats: null,
      trail: { visited: new Set(data.timeline.map((s) => s.nodeId)), current },
    };
    return { decor, taken: takenEdgeIds(data) };
  }, [data]);

  async function exit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return;
    setExiting(true);
    try {
      await post(`/v1/enrollments/${encodeURIComponent(enrollmentId)}/exit`, { reason: reason.trim() });
      toast.info('Customer exited the journey');
      setAsking(false);
      reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setExiting(false);
    }
  }

  if (error) {
    return (
      <div className="page banner banner-error" role="alert">
        {error}
      </div>
    );
  }
  if (!data || !view) return <p className="loading">Loading enrollment…</p>;
  const e = data.enrollment;
  return (
    <section className="enrollment">
      <div className="journey-bar">
        <a href={href('customers', e.customerId)} className="back" aria-label="Back to customer">
          ←
        </a>
        <strong>{e.journeyName ?? e.journeyId}</strong> <span>v{e.version}</span>
        <span className={`status status-${e.status}`} data-testid="enrollment-status">
          {e.status}
        </span>
        <span>
          customer <a href={href('customers', e.customerId)}>{e.customerId}</a>
        </span>
        {e.currentNodeId && e.status === 'active' && (
          <span data-testid="enrollment-current">
            at <strong>{nodeName(data.graph, e.currentNodeId)}</strong>{' '}
            <span className="muted">({e.currentNodeId})</span>
            {e.nextWakeAt ? ` until ${formatTime(e.nextWakeAt)}` : ''}
          </span>
        )}
        <span className="spacer" />
        {canExit && e.status === 'active' && (
          <button
            type="button"
            className="danger"
            onClick={() => setAsking(true)}
            disabled={exiting}
            data-testid="exit-enrollment"
          >
            Exit customer
          </button>
        )}
      </div>
      <div className="enrollment-body">
        <div className="canvas" data-testid="enrollment-graph">
          <GraphView
            graph={data.graph}
            decor={view.decor}
            takenEdges={view.taken}
            focus={e.status === 'active' ? e.currentNodeId : null}
          />
        </div>
        <aside className="side timeline">
          <h2>Timeline</h2>
          <ol data-testid="timeline">
            {data.timeline.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is append-only
              <li key={i}>
                <div className="muted">{formatTime(s.at)}</div>
                <div>
                  <strong>{nodeName(data.graph, s.nodeId)}</strong>{' '}
                  <span className="muted">({s.nodeId})</span> — {s.outcome}
                  {s.port ? ` → ${s.port}` : ''}
                </div>
                {s.reason && <div className="muted">{s.reason}</div>}
              </li>
            ))}
          </ol>
          {e.endReason && <p>Ended: {e.endReason}</p>}
        </aside>
      </div>
      {asking && (
        <Dialog
          title="Remove the customer from this journey?"
          onClose={() => setAsking(false)}
          testId="exit-dialog"
        >
          <form className="exit-form" onSubmit={exit}>
            <label htmlFor="exit-reason">Reason (kept on the timeline)</label>
            <input
              id="exit-reason"
              data-testid="exit-reason"
              value={reason}
              required
              maxLength={500}
              onChange={(ev) => setReason(ev.target.value)}
            />
            <div className="dialog-actions">
              <button type="button" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button
                type="submit"
                className="danger"
                disabled={exiting || !reason.trim()}
                data-testid="exit-confirm"
              >
                Exit customer
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
