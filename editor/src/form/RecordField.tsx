import { defaultFor } from '../graph/json-schema.ts';
import { type FieldProps, fieldId, useFormEnv } from './context.ts';
import { Field, joinPath } from './Field.tsx';

/** A map of free keys to values (`Type.Record`), e.g. webhook headers. */
export function RecordField({ schema, value, onChange, path, label }: FieldProps) {
  const { readOnly } = useFormEnv();
  const entries = Object.entries(
    (value && typeof value === 'object' ? value : {}) as Record<string, unknown>,
  );
  const valueSchema = Object.values(schema.patternProperties ?? {})[0] ?? {};
  const rebuild = (next: [string, unknown][]) => onChange(Object.fromEntries(next));
  const addEntry = () => {
    let n = entries.length + 1;
    while (entries.some(([k]) => k === `key${n}`)) n++;
    rebuild([...entries, [`key${n}`, defaultFor(valueSchema)]]);
  };
  return (
    <fieldset className="form-record" data-testid={`record-${path}`}>
      <legend>{label}</legend>
      {entries.map(([key, item], index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: keys are being edited, the row position is the identity
        <div className="form-record-row" key={index}>
          <input
            aria-label="Key"
            id={fieldId(`${joinPath(path, index)}-key`)}
            data-testid={fieldId(`${joinPath(path, index)}-key`)}
            readOnly={readOnly}
            value={key}
            onChange={(e) =>
              rebuild(entries.map((entry, i) => (i === index ? [e.target.value, entry[1]] : entry)))
            }
          />
          <Field
            schema={valueSchema}
            value={item}
            onChange={(next) => rebuild(entries.map((entry, i) => (i === index ? [entry[0], next] : entry)))}
            path={joinPath(path, key)}
            label="Value"
            required
          />
          {!readOnly && (
            <button
              type="button"
              className="link"
              onClick={() => rebuild(entries.filter((_, i) => i !== index))}
            >
              remove
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" data-testid={`add-${path}`} onClick={addEntry}>
          + Add entry
        </button>
      )}
    </fieldset>
  );
}
