import { type FormEvent, useState } from 'react';
import type { CustomerSummary } from '../api/types.ts';
import { href } from '../app/router.ts';
import { formatTime, formatValue } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';

const RECENT = 25;

function customerName(traits: Record<string, unknown>): string {
  if (typeof traits.name === 'string') return traits.name;
  return [traits.first_name ?? traits.firstName, traits.last_name ?? traits.lastName]
    .filter((part) => typeof part === 'string')
    .join(' ');
}

/** Finds customers by id prefix, any part of the email or name, or phone digits; lists recent ones. */
export function CustomerSearch() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const { data, error, loading } = useApi<CustomerSummary[]>(
    query ? `/v1/customers?search=${encodeURIComponent(query)}` : `/v1/customers?limit=${RECENT}`,
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
          type="search"
          className="wide-search"
          aria-label="Search customers"
          placeholder="Id, email, name or phone"
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
      <h2 data-testid="customer-results-title">
        {query ? `Customers matching “${query}”` : 'Recently active customers'}
      </h2>
      {loading && <p className="loading">Searching…</p>}
      {data && data.length === 0 && (
        <p className="muted">{query ? 'No customers found.' : 'No customers yet.'}</p>
      )}
      {data && data.length > 0 && (
        <table className="table" data-testid="customer-results">
          <thead>
            <tr>
              <th>Customer</th>
              <th>Name</th>
              <th>Email</th>
              <th>Phone</th>
              <th>Last active</th>
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
                <td>{customerName(c.traits)}</td>
                <td>{formatValue(c.traits.email)}</td>
                <td>{formatValue(c.traits.phone)}</td>
                <td>{formatTime(c.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
