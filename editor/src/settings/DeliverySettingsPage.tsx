import type { DeliverySettings } from '@itinera/schemas';
import { type FormEvent, useState } from 'react';
import { errorMessage, put } from '../api/client.ts';
import { useCan } from '../app/session.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';

type Cap = DeliverySettings['frequencyCaps'][number];
const CHANNELS: Cap['channel'][] = ['email', 'sms', 'push', 'webhook'];
const NEW_CAP: Cap = { channel: 'email', max: 3, windowHours: 24 };

/** Quiet hours and frequency caps for every journey; each half saves on its own (a partial update). */
export function DeliverySettingsPage() {
  const { data, error, setData } = useApi<DeliverySettings>('/v1/settings/delivery');
  if (!data) {
    return (
      <section className="page settings-page">
        <h1>Delivery</h1>
        {error ? (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        ) : (
          <p className="loading">Loading…</p>
        )}
      </section>
    );
  }
  return <DeliverySettingsForms saved={data} onSaved={setData} />;
}

/** Starts from the saved settings, so nothing the user edits is overwritten by a load. */
function DeliverySettingsForms({
  saved,
  onSaved,
}: {
  saved: DeliverySettings;
  onSaved: (s: DeliverySettings) => void;
}) {
  const canWrite = useCan('settings:write');
  const toast = useToast();
  const [quiet, setQuiet] = useState<DeliverySettings['quietHours']>(saved.quietHours);
  const [caps, setCaps] = useState<Cap[]>(saved.frequencyCaps);
  const [problem, setProblem] = useState<string | null>(null);

  const save = async (patch: Partial<DeliverySettings>, what: string) => {
    try {
      onSaved(await put<DeliverySettings>('/v1/settings/delivery', patch));
      setProblem(null);
      toast.info(`${what} saved`);
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  const submitQuiet = (event: FormEvent) => {
    event.preventDefault();
    void save({ quietHours: quiet }, 'Quiet hours');
  };
  const submitCaps = (event: FormEvent) => {
    event.preventDefault();
    void save({ frequencyCaps: caps }, 'Frequency caps');
  };
  const setCap = (index: number, patch: Partial<Cap>) =>
    setCaps(caps.map((cap, i) => (i === index ? { ...cap, ...patch } : cap)));

  return (
    <section className="page settings-page">
      <h1>Delivery</h1>
      {!canWrite && <p className="muted">Your role can view these settings but not change them.</p>}
      {problem && (
        <div className="banner banner-error" role="alert">
          {problem}
        </div>
      )}
      <form className="card settings-card" onSubmit={submitQuiet} data-testid="quiet-hours">
        <h2>Quiet hours</h2>
        <p className="muted">Messages due in this window (customer's local time) wait until it ends.</p>
        <label className="check">
          <input
            type="checkbox"
            checked={quiet !== null}
            disabled={!canWrite}
            data-testid="quiet-enabled"
            onChange={(e) => setQuiet(e.target.checked ? { start: '21:00', end: '08:00' } : null)}
          />
          Hold messages at night
        </label>
        {quiet && (
          <div className="inline-form">
            <label>
              From{' '}
              <input
                type="time"
                data-testid="quiet-start"
                value={quiet.start}
                disabled={!canWrite}
                required
                onChange={(e) => setQuiet({ ...quiet, start: e.target.value })}
              />
            </label>
            <label>
              until{' '}
              <input
                type="time"
                data-testid="quiet-end"
                value={quiet.end}
                disabled={!canWrite}
                required
                onChange={(e) => setQuiet({ ...quiet, end: e.target.value })}
              />
            </label>
          </div>
        )}
        {canWrite && (
          <button type="submit" className="primary" data-testid="quiet-save">
            Save quiet hours
          </button>
        )}
      </form>
      <form className="card settings-card" onSubmit={submitCaps} data-testid="frequency-caps">
        <h2>Frequency caps</h2>
        <p className="muted">At most this many messages per channel to one customer within the window.</p>
        {caps.length === 0 && <p>No caps: every message is sent.</p>}
        {caps.map((cap, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: caps have no identity of their own; a row is its position
          <div className="inline-form" key={`${index}-${cap.channel}`} data-testid={`cap-${index}`}>
            <select
              aria-label="Channel"
              value={cap.channel}
              disabled={!canWrite}
              onChange={(e) => setCap(index, { channel: e.target.value as Cap['channel'] })}
            >
              {CHANNELS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
            <label>
              at most{' '}
              <input
                type="number"
                aria-label="Most messages"
                min={1}
                required
                value={cap.max}
                disabled={!canWrite}
                onChange={(e) => setCap(index, { max: Number(e.target.value) })}
              />
            </label>
            <label>
              per{' '}
              <input
                type="number"
                aria-label="Window in hours"
                min={0.01}
                max={744}
                step="any"
                required
                value={cap.windowHours}
                disabled={!canWrite}
                onChange={(e) => setCap(index, { windowHours: Number(e.target.value) })}
              />{' '}
              hours
            </label>
            {canWrite && (
              <button type="button" onClick={() => setCaps(caps.filter((_, i) => i !== index))}>
                Remove
              </button>
            )}
          </div>
        ))}
        {canWrite && (
          <div className="inline-form">
            <button type="button" onClick={() => setCaps([...caps, NEW_CAP])} data-testid="cap-add">
              Add a cap
            </button>
            <button type="submit" className="primary" data-testid="caps-save">
              Save caps
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
