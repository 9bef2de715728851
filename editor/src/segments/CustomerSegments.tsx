import type { CustomerSegments as CustomerSegmentsView } from '@itinera/schemas';
import { href } from '../app/router.ts';
import { CustomerTime } from '../ui/CustomerTime.tsx';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';

/** The customer's segments now, and when and why they entered or left each (newest first). */
export function CustomerSegments({ customerId, timezone }: { customerId: string; timezone: string | null }) {
  const { data, error, reload } = useApi<CustomerSegmentsView>(
    `/v1/customers/${encodeURIComponent(customerId)}/segments`,
  );
  useRefresh([reload]);
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!data) return null;
  return (
    <>
      {data.segments.length === 0 && <p className="muted">In no segment.</p>}
      <ul className="rows" data-testid="customer-segments">
        {data.segments.map((s) => (
          <li key={s.segmentId} data-testid={`customer-segment-${s.segmentId}`}>
            <a href={href('segments', s.segmentId)}>{s.name}</a>{' '}
            <span className="muted">
              since <CustomerTime iso={s.enteredAt} timezone={timezone} />
            </span>
          </li>
        ))}
      </ul>
      {data.changes.length > 0 && (
        <details open>
          <summary>Entered and left</summary>
          <ul className="rows" data-testid="customer-segment-changes">
            {data.changes.map((c) => (
              <li key={`${c.segmentId}:${c.kind}:${c.at}`}>
                <strong>
                  {c.kind} {c.segmentId}
                </strong>{' '}
                <span className="muted">
                  <CustomerTime iso={c.at} timezone={timezone} />
                </span>
                <div className="wrap">{c.reason}</div>
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
