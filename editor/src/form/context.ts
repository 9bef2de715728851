import { createContext, useContext } from 'react';
import type { JsonSchema } from '../graph/json-schema.ts';

export interface FormEnv {
  eventNames: string[];
  attributes: string[];
  /** Saved template ids, offered where a field picks one. */
  templates?: string[];
  /** Segment ids, offered where a field picks one. */
  segments?: string[];
  /** Promo-code pool ids, offered where a field picks one. */
  promoPools?: string[];
  /** Dotted paths of fields with validation problems, e.g. `timeout.amount`. */
  invalid: Set<string>;
  readOnly: boolean;
}

export const FormEnvContext = createContext<FormEnv>({
  eventNames: [],
  attributes: [],
  invalid: new Set(),
  readOnly: false,
});
export const useFormEnv = () => useContext(FormEnvContext);

export interface FieldProps {
  schema: JsonSchema;
  value: unknown;
  onChange(value: unknown): void;
  /** Dotted path from the config root; '' for the root. */
  path: string;
  label: string;
  required: boolean;
}

export const fieldId = (path: string) => `field-${path || 'root'}`;
