import { type FormEvent, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/client.ts';
import type { Me } from '../api/types.ts';

export function SignIn({ onSignedIn, notice }: { onSignedIn(key: string, me: Me): void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(notice ?? null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>('/v1/me', { key: key.trim() });
      if (me.role === 'ingest')
        throw new Error('This key can only send events; the editor needs a marketer, support or admin key.');
      onSignedIn(key.trim(), me);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401 ? 'That API key was not accepted.' : errorMessage(e),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form onSubmit={submit} className="card">
        <h1>Itinera</h1>
        <p>Sign in with your API key.</p>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          data-testid="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !key.trim()} data-testid="sign-in">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
