import type { MembersPage } from '@itinera/schemas';
import { useState } from 'react';
import { href } from '../app/router.ts';
import { formatTime } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';
import { useRefresh } from '../ui/useRefresh.ts';

const PAGE = 25;

/** Members by customer id, a page at a time, each linking to the customer page. */
export function MembersList({ segmentId }: { segmentId: string }) {
  // The `after` cursor of every page shown so far, so "Previous" can step back.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1);
  const base = `/v1/segments/${encodeURIComponent(segmentId)}/members?limit=${PAGE}`;
  const { data, error, reload } = useApi<MembersPage>(
    `${base}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
  );
  useRefresh([reload]);
  return (
    <section className="card" data-testid="segment-members">
      <h2>Members</h2>
      {error && <p className="error">{error}</p>}
      {data && data.members.length === 0 && (
        <p className="muted">No members{after ? ' on this page' : ''}.</p>
      )}
      {data && data.members.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Entered</th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <tr key={m.customerId}>
                <td>
                  <a href={href('customers', m.customerId)} data-testid={`member-${m.customerId}`}>
                    {m.customerId}
                  </a>
                </td>
                <td>{formatTime(m.enteredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="rule-actions">
        <button
          type="button"
          data-testid="members-previous"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          data-testid="members-next"
          disabled={!data?.next}
          onClick={() => data?.next && setCursors([...cursors, data.next])}
        >
          Next
        </button>
      </div>
    </section>
  );
}
