import { defaultFor } from '../graph/json-schema.ts';
import { type FieldProps, useFormEnv } from './context.ts';
import { Field, joinPath } from './Field.tsx';

export function ArrayField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  const items = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const setItem = (index: number, next: unknown) =>
    onChange(items.map((item, i) => (i === index ? next : item)));
  return (
    <fieldset className="form-array" data-testid={`array-${path}`}>
      <legend>{label}</legend>
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: items have no identity of their own
        <div className="form-array-item" key={index}>
          <Field
            schema={itemSchema}
            value={item}
            onChange={(next) => setItem(index, next)}
            path={joinPath(path, index)}
            label={`${itemSchema.title ?? (schema['x-item'] as string | undefined) ?? 'Item'} ${index + 1}`}
            required
          />
          {!readOnly && (
            <button
              type="button"
              className="link"
              disabled={items.length <= min}
              data-testid={`remove-${joinPath(path, index)}`}
              onClick={() => onChange(items.filter((_, i) => i !== index))}
            >
              remove
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button
          type="button"
          disabled={items.length >= max}
          data-testid={`add-${path}`}
          onClick={() => onChange([...items, defaultFor(itemSchema)])}
        >
          + Add
        </button>
      )}
    </fieldset>
  );
}
