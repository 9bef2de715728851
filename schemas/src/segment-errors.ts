import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';

/** RFC 3339 date-time, as the OpenAPI `date-time` format means it. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const pointerToPath = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');

/** The allowed values of a union of literals, or undefined for another union. */
function literals(schema: TSchema): unknown[] | undefined {
  const options = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!options?.every((option) => 'const' in option)) return undefined;
  return options.map((option) => option.const);
}

function wording(error: ValueError): string {
  const allowed = literals(error.schema);
  if (allowed) return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.schema.format === 'date-time') return 'must be an ISO 8601 date-time (2026-03-01T09:00:00Z)';
  if (error.message === 'Expected required property') return 'is required';
  if (error.message === 'Unexpected property') return 'is not a field of this rule';
  return error.message.toLowerCase();
}

/**
 * The first way a value breaks a (non-recursive) schema, as a path relative to the value (`.count.n`) and words a
 * person can act on; null when it fits.
 */
export function schemaProblem(schema: TSchema, value: unknown): { at: string; message: string } | null {
  if (!FormatRegistry.Has('date-time'))
    FormatRegistry.Set('date-time', (text) => DATE_TIME.test(text) && !Number.isNaN(Date.parse(text)));
  const error = Value.Errors(schema, value).First();
  return error ? { at: pointerToPath(error.path), message: wording(error) } : null;
}
