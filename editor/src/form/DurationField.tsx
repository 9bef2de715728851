import { literalChoices } from '../graph/json-schema.ts';
import { type FieldProps, fieldId, useFormEnv } from './context.ts';
import { joinPath } from './Field.tsx';

/** `{ amount, unit }` as one row: a number and a unit picker. */
export function DurationField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly, invalid } = useFormEnv();
  const duration = (value && typeof value === 'object' ? value : {}) as { amount?: number; unit?: string };
  const units = (literalChoices(schema.properties?.unit ?? {}) ?? [
    'minutes',
    'hours',
    'days',
    'weeks',
  ]) as string[];
  const bad =
    invalid.has(path) || invalid.has(joinPath(path, 'amount')) || invalid.has(joinPath(path, 'unit'));
  return (
    <div className={`field${bad ? ' field-invalid' : ''}`}>
      <label htmlFor={fieldId(path)}>{label}</label>
      <div className="duration">
        <input
          id={fieldId(path)}
          data-testid={fieldId(joinPath(path, 'amount'))}
          aria-label={`${label} amount`}
          type="number"
          min={0}
          readOnly={readOnly}
          value={typeof duration.amount === 'number' ? duration.amount : ''}
          onChange={(e) =>
            onChange({ ...duration, amount: e.target.value === '' ? undefined : Number(e.target.value) })
          }
        />
        <select
          aria-label={`${label} unit`}
          data-testid={fieldId(joinPath(path, 'unit'))}
          disabled={readOnly}
          value={duration.unit ?? ''}
          onChange={(e) => onChange({ ...duration, unit: e.target.value })}
        >
          {!duration.unit && <option value="">—</option>}
          {units.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
