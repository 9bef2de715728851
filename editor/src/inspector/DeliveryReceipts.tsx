import type { ReceiptRow, SuppressionRow } from '@itinera/schemas';
import { CustomerTime } from '../ui/CustomerTime.tsx';
import { useApi } from '../ui/useApi.ts';

const STATUS_TEXT: Record<ReceiptRow['status'], string> = {
  delivered: 'delivered',
  hard_bounce: 'bounced (hard)',
  soft_bounce: 'bounced (soft)',
  complaint: 'marked as spam',
  undelivered: 'not delivered',
};

/** What providers reported about the customer's messages, and the addresses that are suppressed. */
export function DeliveryReceipts({ customerId, timezone }: { customerId: string; timezone: string | null }) {
  const base = `/v1/customers/${encodeURIComponent(customerId)}`;
  const receipts = useApi<ReceiptRow[]>(`${base}/receipts`);
  const suppressions = useApi<SuppressionRow[]>(`${base}/suppressions`);
  const error = receipts.error ?? suppressions.error;
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  return (
    <>
      {suppressions.data?.map((s) => (
        <p key={`${s.channel}:${s.address}`} className="error" data-testid={`suppressed-${s.channel}`}>
          {s.channel} to {s.address} is suppressed: {s.kind.replace('_', ' ')} ({s.reason})
        </p>
      ))}
      <ul className="rows" data-testid="receipts">
        {receipts.data?.map((r) => (
          <li key={r.id}>
            <strong>{r.channel ?? 'message'}</strong> {STATUS_TEXT[r.status]}
            {r.reason ? ` (${r.reason})` : ''}{' '}
            <span className="muted">
              {r.nodeId ? `${r.nodeId} · ` : ''}
              <CustomerTime iso={r.at} timezone={timezone} />
            </span>
          </li>
        ))}
      </ul>
      {receipts.data?.length === 0 && <p className="muted">No delivery receipts.</p>}
    </>
  );
}
