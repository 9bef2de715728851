import type { BroadcastInput, BroadcastSchedule, SegmentView } from '@itinera/schemas';
import { useState } from 'react';
import { post } from '../api/client.ts';
import type { JourneySummary } from '../api/types.ts';
import { SelectInput } from '../ui/LabeledInputs.tsx';
import { useToast } from '../ui/toasts.tsx';
import { useApi } from '../ui/useApi.ts';

const ZONES: string[] = Intl.supportedValuesOf?.('timeZone') ?? [];
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A broadcast: a live journey, a segment, when (now, at a time, or a local time per customer), throttle, holdout. */
export function BroadcastForm({ onCreated }: { onCreated(): void }) {
  const toast = useToast();
  const journeys = useApi<JourneySummary[]>('/v1/journeys');
  const segments = useApi<SegmentView[]>('/v1/segments');
  const [journeyId, setJourneyId] = useState('');
  const [segmentId, setSegmentId] = useState('');
  const [when, setWhen] = useState<BroadcastSchedule['kind']>('now');
  const [at, setAt] = useState('');
  const [localTime, setLocalTime] = useState('10:00');
  const [fallbackTimezone, setFallback] = useState(viewerZone);
  const [rate, setRate] = useState('');
  const [holdout, setHoldout] = useState('');
  const [busy, setBusy] = useState(false);

  const schedule = (): BroadcastSchedule =>
    when === 'at'
      ? { kind: 'at', at: new Date(at).toISOString() }
      : when === 'local'
        ? { kind: 'local', time: localTime, fallbackTimezone }
        : { kind: 'now' };
  const submit = async () => {
    setBusy(true);
    try {
      const body: BroadcastInput = {
        journeyId,
        segmentId,
        schedule: schedule(),
        ...(rate ? { ratePerMinute: Number(rate) } : {}),
        ...(holdout ? { holdoutPercent: Number(holdout) } : {}),
      };
      await post('/v1/broadcasts', body);
      toast.info('Broadcast created');
      onCreated();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  const ready = journeyId && segmentId && (when !== 'at' || at) && (when !== 'local' || fallbackTimezone);

  return (
    <section className="card broadcast-form" data-testid="broadcast-form">
      <h2>New broadcast</h2>
      <SelectInput
        id="broadcast-journey"
        label="Journey"
        value={journeyId}
        onChange={setJourneyId}
        empty
        choices={(journeys.data ?? []).map((j) => [j.id, `${j.name} (${j.status})`])}
      />
      <SelectInput
        id="broadcast-segment"
        label="Segment"
        value={segmentId}
        onChange={setSegmentId}
        empty
        choices={(segments.data ?? []).map((s) => [s.id, s.name])}
      />
      <fieldset className="broadcast-when">
        <legend>When</legend>
        {(
          [
            ['now', 'Now'],
            ['at', 'At a time'],
            ['local', 'At a local time in each customer’s timezone'],
          ] as const
        ).map(([kind, label]) => (
          <label key={kind} className="field-check">
            <input
              type="radio"
              name="when"
              data-testid={`broadcast-when-${kind}`}
              checked={when === kind}
              onChange={() => setWhen(kind)}
            />
            {label}
          </label>
        ))}
        {when === 'at' && (
          <input
            type="datetime-local"
            aria-label="Start at"
            data-testid="broadcast-at"
            value={at}
            onChange={(e) => setAt(e.target.value)}
          />
        )}
        {when === 'local' && (
          <div className="inline-form">
            <input
              type="time"
              aria-label="Local time"
              data-testid="broadcast-local-time"
              value={localTime}
              onChange={(e) => setLocalTime(e.target.value)}
            />
            <label>
              Fallback timezone{' '}
              <input
                list="broadcast-zones"
                data-testid="broadcast-fallback-zone"
                value={fallbackTimezone}
                onChange={(e) => setFallback(e.target.value)}
              />
            </label>
            <datalist id="broadcast-zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </div>
        )}
      </fieldset>
      <div className="inline-form">
        <label>
          At most{' '}
          <input
            type="number"
            min={1}
            aria-label="Customers per minute"
            data-testid="broadcast-rate"
            value={rate}
            onChange={(e) => setRate(e.target.value)}
          />{' '}
          per minute (empty: unthrottled)
        </label>
        <label>
          Hold out{' '}
          <input
            type="number"
            min={0}
            max={100}
            aria-label="Holdout percent"
            data-testid="broadcast-holdout"
            value={holdout}
            onChange={(e) => setHoldout(e.target.value)}
          />{' '}
          %
        </label>
      </div>
      <button
        type="button"
        className="primary"
        data-testid="broadcast-create"
        disabled={busy || !ready}
        onClick={submit}
      >
        Start broadcast
      </button>
    </section>
  );
}
