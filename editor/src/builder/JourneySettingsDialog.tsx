import type { JourneySettings } from '@itinera/schemas';
import { useState } from 'react';
import { Dialog } from '../ui/Dialog.tsx';

const TIMEZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
const PRIORITIES = Array.from({ length: 10 }, (_, i) => i + 1);
const MAX_LOOPS = 10_000;

/**
 * The journey-wide settings, saved with the draft (and published with it): the timezone for customers
 * without one, the priority when frequency caps bind, and how often a customer may pass a loop.
 */
export function JourneySettingsDialog({
  settings,
  segmentIds,
  readOnly,
  onChange,
  onClose,
}: {
  settings: JourneySettings;
  /** Saved segments, offered as the journey's audience. */
  segmentIds: string[];
  readOnly: boolean;
  onChange(settings: JourneySettings): void;
  onClose(): void;
}) {
  const [loops, setLoops] = useState(String(settings.maxLoopIterations));
  const loopsValue = Number(loops);
  const loopsValid = Number.isInteger(loopsValue) && loopsValue >= 1 && loopsValue <= MAX_LOOPS;
  const set = (patch: Partial<JourneySettings>) => onChange({ ...settings, ...patch });
  return (
    <Dialog title="Journey settings" onClose={onClose} testId="journey-settings">
      <div className="dialog-form">
        <label htmlFor="journey-timezone">Default timezone</label>
        <select
          id="journey-timezone"
          data-testid="journey-timezone"
          value={settings.defaultTimezone}
          disabled={readOnly}
          onChange={(e) => set({ defaultTimezone: e.target.value })}
        >
          {!TIMEZONES.includes(settings.defaultTimezone) && <option>{settings.defaultTimezone}</option>}
          {TIMEZONES.map((zone) => (
            <option key={zone}>{zone}</option>
          ))}
        </select>
        <p className="muted">Local-time waits use it for customers whose profile has no timezone.</p>
        <label htmlFor="journey-priority">Priority</label>
        <select
          id="journey-priority"
          data-testid="journey-priority"
          value={settings.priority}
          disabled={readOnly}
          onChange={(e) => set({ priority: Number(e.target.value) })}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
              {p === 1 ? ' (lowest)' : p === 10 ? ' (highest)' : ''}
            </option>
          ))}
        </select>
        <p className="muted">
          When frequency caps bind, journeys below 5 leave the last message to higher ones.
        </p>
        <label htmlFor="journey-loops">Loop limit (visits of one step per customer)</label>
        <input
          id="journey-loops"
          data-testid="journey-loops"
          type="number"
          min={1}
          max={MAX_LOOPS}
          value={loops}
          readOnly={readOnly}
          aria-invalid={!loopsValid}
          aria-describedby="journey-loops-hint"
          onChange={(e) => {
            setLoops(e.target.value);
            const value = Number(e.target.value);
            if (Number.isInteger(value) && value >= 1 && value <= MAX_LOOPS)
              set({ maxLoopIterations: value });
          }}
        />
        <p
          id="journey-loops-hint"
          className={loopsValid ? 'muted' : 'error'}
          role={loopsValid ? undefined : 'alert'}
        >
          {loopsValid
            ? 'A customer passing a step more often than this leaves the journey.'
            : `A whole number from 1 to ${MAX_LOOPS}.`}
        </p>
        <label htmlFor="journey-holdout">Holdout (% of entrants who receive nothing)</label>
        <input
          id="journey-holdout"
          data-testid="journey-holdout"
          type="number"
          min={0}
          max={50}
          step={1}
          value={settings.holdoutPercent ?? 0}
          readOnly={readOnly}
          onChange={(e) => {
            const value = Number(e.target.value);
            if (value >= 0 && value <= 50) set({ holdoutPercent: value });
          }}
        />
        <p className="muted">
          Held-out customers are counted and their conversions tracked, to measure lift.
        </p>
        <label htmlFor="journey-audience">Audience (only members of this segment may enter)</label>
        <select
          id="journey-audience"
          data-testid="journey-audience"
          value={settings.audienceSegment ?? ''}
          disabled={readOnly}
          onChange={(e) => set({ audienceSegment: e.target.value || null })}
        >
          <option value="">Everyone</option>
          {settings.audienceSegment && !segmentIds.includes(settings.audienceSegment) && (
            <option value={settings.audienceSegment}>{settings.audienceSegment}</option>
          )}
          {segmentIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <label className="check">
          <input
            type="checkbox"
            data-testid="journey-transactional"
            checked={settings.transactional === true}
            disabled={readOnly}
            onChange={(e) => set({ transactional: e.target.checked })}
          />{' '}
          Transactional (ignores the global control group)
        </label>
        <div className="dialog-actions">
          <button type="button" className="primary" onClick={onClose} data-testid="journey-settings-done">
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
