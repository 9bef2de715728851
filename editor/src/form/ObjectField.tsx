import { defaultFor, type JsonSchema } from '../graph/json-schema.ts';
import { type FieldProps, useFormEnv } from './context.ts';
import { Field, joinPath } from './Field.tsx';

const isComposite = (s: JsonSchema) =>
  (s.type === 'object' || s.type === 'array') && s['x-widget'] !== 'weekdays';

/**
 * A field's `x-when` hint, e.g. `{ mode: ['time_of_day'] }`: shown only when a sibling holds one of the
 * listed values (for an array sibling, any of its items; several keys: any of them). Hidden values stay.
 */
export function applies(schema: JsonSchema, object: Record<string, unknown>, siblings: JsonSchema): boolean {
  const when = schema['x-when'] as Record<string, unknown[]> | undefined;
  if (!when) return true;
  return Object.entries(when).some(([key, allowed]) => {
    const value = object[key] ?? siblings.properties?.[key]?.default;
    return (Array.isArray(value) ? value : [value]).some((v) => allowed.includes(v));
  });
}

export function ObjectField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  const object = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  const setKey = (key: string, next: unknown) => {
    const copy = { ...object };
    if (next === undefined) delete copy[key];
    else copy[key] = next;
    onChange(copy);
  };
  const shown = Object.entries(schema.properties ?? {}).filter(([, child]) => applies(child, object, schema));
  const fields = shown.map(([key, child]) => {
    const childLabel = child.title ?? key.charAt(0).toUpperCase() + key.slice(1).replaceAll('_', ' ');
    const childPath = joinPath(path, key);
    const isRequired = required.has(key);
    // Optional groups (a second duration, a filter…) stay collapsed until added.
    if (!isRequired && isComposite(child) && object[key] === undefined) {
      return (
        <div className="field field-optional" key={key}>
          <button
            type="button"
            disabled={readOnly}
            data-testid={`add-${childPath}`}
            onClick={() => setKey(key, defaultFor(child))}
          >
            + {childLabel}
          </button>
        </div>
      );
    }
    return (
      <div className="field-wrap" key={key}>
        <Field
          schema={child}
          value={object[key]}
          onChange={(next) => setKey(key, next)}
          path={childPath}
          label={childLabel}
          required={isRequired}
        />
        {!isRequired && isComposite(child) && !readOnly && (
          <button type="button" className="link" onClick={() => setKey(key, undefined)}>
            remove {childLabel}
          </button>
        )}
      </div>
    );
  });
  if (!path) return <div className="form-object">{fields}</div>;
  return (
    <fieldset className="form-object">
      <legend>{label}</legend>
      {fields}
    </fieldset>
  );
}
