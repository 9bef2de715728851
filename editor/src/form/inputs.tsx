import { type ReactNode, useEffect, useState } from 'react';
import { literalChoices } from '../graph/json-schema.ts';
import { type FieldProps, fieldId, useFormEnv } from './context.ts';

export function FieldShell({
  path,
  label,
  schema,
  children,
}: Pick<FieldProps, 'path' | 'label' | 'schema'> & { children: ReactNode }) {
  const { invalid } = useFormEnv();
  return (
    <div className={`field${invalid.has(path) ? ' field-invalid' : ''}`}>
      <label htmlFor={fieldId(path)}>{label}</label>
      {children}
      {schema.description && <small className="hint">{schema.description}</small>}
    </div>
  );
}

export function StringField({ schema, value, onChange, path, label, required }: FieldProps) {
  const { eventNames, attributes, templates = [], segments = [], promoPools = [], readOnly } = useFormEnv();
  const widget = schema['x-widget'];
  const text = typeof value === 'string' ? value : '';
  const set = (next: string) => onChange(next === '' && !required ? undefined : next);
  if (widget === 'template') {
    return (
      <FieldShell path={path} label={label} schema={schema}>
        <textarea
          id={fieldId(path)}
          data-testid={fieldId(path)}
          rows={3}
          value={text}
          readOnly={readOnly}
          onChange={(e) => set(e.target.value)}
        />
      </FieldShell>
    );
  }
  const options =
    widget === 'event-name'
      ? eventNames
      : widget === 'profile-attribute'
        ? attributes
        : widget === 'template-id'
          ? templates
          : widget === 'segment'
            ? segments
            : widget === 'promo-pool'
              ? promoPools
              : null;
  const listId = options ? `${fieldId(path)}-options` : undefined;
  return (
    <FieldShell path={path} label={label} schema={schema}>
      <input
        id={fieldId(path)}
        data-testid={fieldId(path)}
        list={listId}
        value={text}
        readOnly={readOnly}
        onChange={(e) => set(e.target.value)}
      />
      {options && (
        <datalist id={listId}>
          {options.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      )}
    </FieldShell>
  );
}

export function NumberField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  return (
    <FieldShell path={path} label={label} schema={schema}>
      <input
        id={fieldId(path)}
        data-testid={fieldId(path)}
        type="number"
        step={schema.type === 'integer' ? 1 : 'any'}
        min={schema.minimum}
        max={schema.maximum}
        readOnly={readOnly}
        value={typeof value === 'number' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </FieldShell>
  );
}

export function BooleanField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  return (
    <div className="field field-check">
      <input
        id={fieldId(path)}
        data-testid={fieldId(path)}
        type="checkbox"
        disabled={readOnly}
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={fieldId(path)}>{label}</label>
      {schema.description && <small className="hint">{schema.description}</small>}
    </div>
  );
}

/** Words for values that appear in many schemas; a schema's `x-labels` map wins. */
const CHOICE_LABELS: Record<string, string> = {
  eq: 'equals',
  neq: 'does not equal',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  exists: 'is set',
  not_exists: 'is not set',
  in: 'is one of',
  sms: 'SMS',
};

export function choiceLabel(schema: Record<string, unknown>, choice: unknown): string {
  const own = (schema['x-labels'] as Record<string, string> | undefined)?.[String(choice)];
  const text = own ?? CHOICE_LABELS[String(choice)] ?? String(choice).replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function EnumField({ schema, value, onChange, path, label, required }: FieldProps) {
  const { readOnly } = useFormEnv();
  const choices = literalChoices(schema) ?? [];
  const index = choices.indexOf(value);
  return (
    <FieldShell path={path} label={label} schema={schema}>
      <select
        id={fieldId(path)}
        data-testid={fieldId(path)}
        disabled={readOnly}
        value={index < 0 ? '' : String(index)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : choices[Number(e.target.value)])}
      >
        {(!required || index < 0) && <option value="">—</option>}
        {choices.map((choice, i) => (
          <option key={String(choice)} value={String(i)}>
            {choiceLabel(schema, choice)}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Free value (`Type.Unknown`): typed text; numbers, booleans, null and JSON are parsed. */
export function parseLoose(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^(-?\d+(\.\d+)?|true|false|null)$/.test(trimmed) || /^[[{"]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

export function UnknownField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const [local, setLocal] = useState(text);
  useEffect(() => {
    // Follow outside changes (undo, another node) without fighting the user's typing.
    setLocal((current) => (JSON.stringify(parseLoose(current)) === JSON.stringify(value) ? current : text));
  }, [value, text]);
  return (
    <FieldShell path={path} label={label} schema={schema}>
      <input
        id={fieldId(path)}
        data-testid={fieldId(path)}
        placeholder="text, number, true/false or JSON"
        readOnly={readOnly}
        value={local}
        onChange={(e) => {
          setLocal(e.target.value);
          onChange(parseLoose(e.target.value));
        }}
      />
    </FieldShell>
  );
}
