import { type FieldProps, fieldId, useFormEnv } from './context.ts';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO weekdays (1 = Monday) as seven toggles; none ticked means every day. */
export function WeekdaysField({ value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  const picked = new Set(Array.isArray(value) ? (value as number[]) : []);
  const toggle = (day: number) => {
    const next = new Set(picked);
    if (next.has(day)) next.delete(day);
    else next.add(day);
    onChange(next.size === 0 ? undefined : [...next].sort((a, b) => a - b));
  };
  return (
    <fieldset className="field weekdays" data-testid={fieldId(path)}>
      <legend>{label}</legend>
      {DAYS.map((name, i) => (
        <label key={name} className="weekday">
          <input
            type="checkbox"
            disabled={readOnly}
            checked={picked.has(i + 1)}
            onChange={() => toggle(i + 1)}
            data-testid={`${fieldId(path)}-${i + 1}`}
          />
          {name}
        </label>
      ))}
      {picked.size === 0 && <small className="hint">Every day</small>}
    </fieldset>
  );
}
