import type { JsonSchema } from '../graph/json-schema.ts';
import { type FormEnv, FormEnvContext } from './context.ts';
import { Field } from './Field.tsx';

/** A form generated from a node type's JSON schema; every edit yields a whole new config object. */
export function SchemaForm({
  schema,
  value,
  onChange,
  env,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
  env?: Partial<FormEnv>;
}) {
  const full: FormEnv = { eventNames: [], attributes: [], invalid: new Set(), readOnly: false, ...env };
  return (
    <FormEnvContext.Provider value={full}>
      <Field
        schema={schema}
        value={value}
        onChange={(next) => onChange((next ?? {}) as Record<string, unknown>)}
        path=""
        label=""
        required
      />
    </FormEnvContext.Provider>
  );
}
