import type { PromoPoolView } from '@itinera/schemas';
import { formatTime } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';

/** Promo-code pools and how many codes each has left (pools are created and filled through the API). */
export function PromoPoolsPage() {
  const { data, error } = useApi<PromoPoolView[]>('/v1/promo-pools');
  return (
    <section className="page settings-page">
      <h1>Promo pools</h1>
      <p className="muted">
        Create a pool and upload its codes with <code>POST /v1/promo-pools</code>; a send node hands one code
        to each customer.
      </p>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {data && data.length === 0 && <p className="muted">No promo pools yet.</p>}
      {data && data.length > 0 && (
        <table className="table" data-testid="promo-pools">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Kind</th>
              <th>Assigned</th>
              <th>Remaining</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {data.map((pool) => (
              <tr key={pool.id} className={pool.exhaustedAt ? 'exhausted' : undefined}>
                <td>{pool.name}</td>
                <td>
                  <code>{pool.id}</code>
                </td>
                <td>{pool.kind === 'list' ? 'uploaded list' : 'generated'}</td>
                <td>{pool.assigned}</td>
                <td>
                  {pool.remaining === null ? 'unlimited' : pool.remaining}
                  {pool.exhaustedAt ? ` (ran out ${formatTime(pool.exhaustedAt)})` : ''}
                </td>
                <td>{formatTime(pool.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
