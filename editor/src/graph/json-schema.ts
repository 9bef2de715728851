import { type TSchema, Type } from '@sinclair/typebox';

/** A JSON schema as received over HTTP or produced by TypeBox (symbols ignored). */
export type JsonSchema = Record<string, unknown> & {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  patternProperties?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  'x-widget'?: string;
};

const STRUCTURAL = ['type', 'properties', 'required', 'items', 'anyOf', 'enum', 'const', 'patternProperties'];

function options(schema: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => !STRUCTURAL.includes(key)));
}

/**
 * Rebuilds a TypeBox schema from plain JSON schema (as served by /v1/node-types), so the shared
 * validator — which needs TypeBox's kind markers — can check custom node configs too.
 */
export function fromJsonSchema(schema: JsonSchema): TSchema {
  const opts = options(schema);
  if (schema.anyOf) return Type.Union(schema.anyOf.map(fromJsonSchema), opts);
  if (schema.enum)
    return Type.Union(
      schema.enum.map((v) => Type.Literal(v as string)),
      opts,
    );
  if (schema.const !== undefined) return Type.Literal(schema.const as string, opts);
  switch (schema.type) {
    case 'object': {
      if (schema.patternProperties) {
        const [value] = Object.values(schema.patternProperties);
        return Type.Record(Type.String(), fromJsonSchema(value ?? {}), opts);
      }
      const required = new Set(schema.required ?? []);
      const properties: Record<string, TSchema> = {};
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        const converted = fromJsonSchema(value);
        properties[key] = required.has(key) ? converted : Type.Optional(converted);
      }
      return Type.Object(properties, opts);
    }
    case 'array':
      return Type.Array(fromJsonSchema(schema.items ?? {}), opts);
    case 'string':
      return Type.String(opts);
    case 'number':
      return Type.Number(opts);
    case 'integer':
      return Type.Integer(opts);
    case 'boolean':
      return Type.Boolean(opts);
    case 'null':
      return Type.Null(opts);
    default:
      return Type.Unknown(opts);
  }
}

/** The literal choices of an enum-like schema (union of literals or `enum`), or null. */
export function literalChoices(schema: JsonSchema): unknown[] | null {
  if (schema.enum) return schema.enum;
  if (schema.anyOf && schema.anyOf.length > 0 && schema.anyOf.every((s) => s.const !== undefined)) {
    return schema.anyOf.map((s) => s.const);
  }
  return null;
}

/** A sensible starting value for a schema: its default, else the simplest valid-looking value. */
export function defaultFor(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  const choices = literalChoices(schema);
  if (choices) return choices[0];
  switch (schema.type) {
    case 'object': {
      if (schema.patternProperties) return {};
      const result: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const value = defaultFor(schema.properties?.[key] ?? {});
        if (value !== undefined) result[key] = value;
      }
      return result;
    }
    case 'array':
      return [];
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}
