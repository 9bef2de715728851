import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client.ts';
import type { EnrollmentDetail, EnrollmentRow } from '../api/types.ts';
import { href } from '../app/router.ts';
import { nodeName } from '../graph/labels.ts';
import { formatTime } from '../ui/format.ts';

interface Decision {
  key: string;
  enrollmentId: string;
  journey: string;
  step: string;
  nodeId: string;
  decision: string;
  reason: string;
  at: string | null;
}

/** Every send step the customer reached, with what was decided and why; plus one deferred right now. */
export function decisionsOf(detail: EnrollmentDetail): Decision[] {
  const { enrollment: e, graph, timeline } = detail;
  const journey = e.journeyName ?? e.journeyId;
  const rows: Decision[] = timeline
    .filter((s) => s.nodeType === 'send')
    .map((s, i) => ({
      key: `${e.id}:${i}`,
      enrollmentId: e.id,
      journey,
      step: nodeName(graph, s.nodeId),
      nodeId: s.nodeId,
      decision: s.outcome,
      reason: s.reason,
      at: s.at,
    }));
  const atSend = graph.nodes.find((n) => n.id === e.currentNodeId)?.type === 'send';
  if (e.status === 'active' && atSend && e.currentNodeId) {
    rows.push({
      key: `${e.id}:now`,
      enrollmentId: e.id,
      journey,
      step: nodeName(graph, e.currentNodeId),
      nodeId: e.currentNodeId,
      decision: 'deferred',
      reason: `Waiting to send${e.waitingFor ? ` (${e.waitingFor})` : ''}${e.nextWakeAt ? ` until ${formatTime(e.nextWakeAt)}` : ''}`,
      at: null,
    });
  }
  return rows;
}

/** "Why didn't this customer get message Y?": the send decisions of all their enrollments. */
export function DeliveryDecisions({ enrollments }: { enrollments: EnrollmentRow[] }) {
  const [rows, setRows] = useState<Decision[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = enrollments
    .slice(0, 20)
    .map((e) => e.id)
    .join(',');
  useEffect(() => {
    let cancelled = false;
    Promise.all(
      ids
        .split(',')
        .filter(Boolean)
        .map((id) => api<EnrollmentDetail>(`/v1/enrollments/${encodeURIComponent(id)}`)),
    )
      .then((details) => !cancelled && setRows(details.flatMap(decisionsOf)))
      .catch((e) => !cancelled && setError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
  }, [ids]);
  if (error) return <p className="error">{error}</p>;
  if (!rows) return <p className="loading">Loading…</p>;
  if (rows.length === 0) return <p className="muted">No message step reached yet.</p>;
  return (
    <table className="table" data-testid="delivery-decisions">
      <thead>
        <tr>
          <th>Journey</th>
          <th>Message step</th>
          <th>Decision</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td>{r.journey}</td>
            <td>
              <a href={href('enrollments', r.enrollmentId)}>{r.step}</a>{' '}
              <span className="muted">({r.nodeId})</span>
            </td>
            <td>
              <span className={`decision decision-${r.decision}`}>{r.decision}</span>
            </td>
            <td className="wrap">
              {r.reason}
              {r.at && <div className="muted">{formatTime(r.at)}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
