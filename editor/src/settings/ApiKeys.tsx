import { type ApiKeySummary, type CreatedApiKey, ROLES, type Role } from '@itinera/schemas';
import { type FormEvent, useState } from 'react';
import { del, errorMessage, post } from '../api/client.ts';
import { formatTime } from '../ui/format.ts';
import { useApi } from '../ui/useApi.ts';

/** Admin settings: create API keys per role (the secret is shown once), see their last use, revoke them. */
export function ApiKeys() {
  const { data, error, reload } = useApi<ApiKeySummary[]>('/v1/api-keys');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('ingest');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setCreated(await post<CreatedApiKey>('/v1/api-keys', { name: name.trim(), role }));
      setName('');
      setProblem(null);
      reload();
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  const revoke = async (key: ApiKeySummary) => {
    if (!window.confirm(`Revoke "${key.name}"? Anything using it stops working at once.`)) return;
    try {
      await del(`/v1/api-keys/${key.id}`);
      setProblem(null);
      reload();
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };

  return (
    <section className="page">
      <h1>API keys</h1>
      <form onSubmit={create} className="inline-form">
        <input
          aria-label="Key name"
          placeholder="Name, e.g. Segment (production)"
          data-testid="api-key-name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" data-testid="api-key-create">
          Create key
        </button>
      </form>
      {created && (
        <div className="banner" role="status" data-testid="api-key-created">
          Copy the key for “{created.name}” now; it is not shown again: <code>{created.key}</code>
        </div>
      )}
      {(problem ?? error) && (
        <div className="banner banner-error" role="alert">
          {problem ?? error}
        </div>
      )}
      {data && (
        <table className="table" data-testid="api-keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>{key.role}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{formatTime(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</td>
                <td className="actions">
                  <button type="button" onClick={() => revoke(key)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
