import type { CustomerSubscriptions } from '@itinera/schemas';
import { useState } from 'react';
import { put } from '../api/client.ts';
import { useCan } from '../app/session.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';

const CHANNELS = [
  ['email', 'Email'],
  ['sms', 'SMS'],
  ['push', 'Push'],
] as const;

/**
 * A customer's consent per channel and topic. Roles that may change customers (support, admin) tick and
 * untick; everyone else sees the same boxes read-only.
 */
export function Subscriptions({ customerId }: { customerId: string }) {
  const path = `/v1/customers/${encodeURIComponent(customerId)}/subscriptions`;
  const current = useApi<CustomerSubscriptions>(path);
  const canEdit = useCan('customers:write');
  const toast = useToast();
  const [topic, setTopic] = useState('');
  const [busy, setBusy] = useState(false);

  /** Shows the change at once, then what the server holds (or, if refused, what it held before). */
  async function change(patch: Partial<CustomerSubscriptions>) {
    const before = current.data;
    if (before)
      current.setData({
        channels: { ...before.channels, ...patch.channels },
        topics: { ...before.topics, ...patch.topics },
      });
    setBusy(true);
    try {
      current.setData(await put<CustomerSubscriptions>(path, patch));
    } catch (e) {
      current.setData(before);
      toast.error(e);
    } finally {
      setBusy(false);
    }
  }

  if (current.error) return <p className="error">{current.error}</p>;
  const data = current.data;
  if (!data) return <p className="loading">Loading…</p>;
  const disabled = !canEdit || busy;
  return (
    <div className="subscriptions" data-testid="subscriptions">
      {!canEdit && <p className="muted">Read-only: your role cannot change a customer's consent.</p>}
      <fieldset>
        <legend>Channels</legend>
        {CHANNELS.map(([id, label]) => (
          <label key={id}>
            <input
              type="checkbox"
              data-testid={`consent-channel-${id}`}
              checked={data.channels[id] !== false}
              disabled={disabled}
              onChange={(e) => void change({ channels: { [id]: e.target.checked } })}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Topics</legend>
        {Object.keys(data.topics).length === 0 && <p className="muted">Subscribed to every topic.</p>}
        {Object.entries(data.topics).map(([name, on]) => (
          <label key={name}>
            <input
              type="checkbox"
              data-testid={`consent-topic-${name}`}
              checked={on}
              disabled={disabled}
              onChange={(e) => void change({ topics: { [name]: e.target.checked } })}
            />{' '}
            {name}
          </label>
        ))}
        {canEdit && (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              const name = topic.trim();
              if (!name) return;
              void change({ topics: { [name]: false } }).then(() => setTopic(''));
            }}
          >
            <input
              aria-label="Topic to opt out of"
              placeholder="topic, e.g. newsletter"
              pattern="[a-z0-9_\-]{1,64}"
              title="Lower-case letters, digits, _ and -"
              data-testid="consent-topic-name"
              value={topic}
              onChange={(e) => setTopic(e.target.value)}
            />
            <button type="submit" disabled={busy} data-testid="consent-topic-opt-out">
              Opt out of topic
            </button>
          </form>
        )}
      </fieldset>
    </div>
  );
}
