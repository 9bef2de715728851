import { type FormEvent, useState } from 'react';
import type { CustomerSummary } from '../api/types.ts';
import { href } from '../app/router.ts';
import { formatTime, formatValue } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';

export function CustomerSearch() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const { data, error, loading } = useApi<CustomerSummary[]>(
    query === null ? null : `/v1/customers?search=${encodeURIComponent(query)}`,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
  };
  return (
    <section className="page">
      <h1>Customers</h1>
      <form onSubmit={submit} className="inline-form">
        <input
          aria-label="Customer id or email"
          placeholder="Customer id or email"
          data-testid="customer-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="primary" data-testid="customer-search-submit">
          Search
        </button>
      </form>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {loading && <p className="loading">Searching…</p>}
      {data && data.length === 0 && <p className="muted">No customers found.</p>}
      {data && data.length > 0 && (
        <table className="table" data-testid="customer-results">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Email</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.map((c) => (
              <tr key={c.customerId}>
                <td>
                  <a href={href('customers', c.customerId)} data-testid={`customer-${c.customerId}`}>
                    {c.customerId}
                  </a>
                </td>
                <td>{formatValue(c.traits.email)}</td>
                <td>{formatTime(c.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
