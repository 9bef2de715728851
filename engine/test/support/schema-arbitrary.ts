import fc from 'fast-check';

/** A JSON Schema as @fastify/swagger writes it into the OpenAPI 3.1 document. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** Keys and strings that have hurt document stores and parsers before. */
const NASTY_STRINGS = [
  '$where',
  'a.b',
  '$set',
  '__proto__',
  'constructor',
  '',
  ' ',
  '\u0000',
  '😀',
  '%',
  '../x',
];
const nastyString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: 'binary', maxLength: 30 }));

/** Anything JSON, including the values a schema does not expect. */
export const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.pattern) {
    const regex = new RegExp(schema.pattern);
    return fc
      .stringMatching(regex)
      .filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? 200));
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

/** Values that satisfy the schema (mostly), so requests get past validation into the route's logic. */
export function valid(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valid(s, depth + 1)));
  if (schema.allOf) return valid(Object.assign({}, ...schema.allOf), depth + 1);
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((t) => valid({ ...schema, type: t }, depth + 1)));
  switch (type[0]) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valid(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valid(s, depth + 1)])),
        { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) },
      );
      const extra = schema.additionalProperties;
      if (extra && typeof extra === 'object' && Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), valid(extra, depth + 1), {
          maxKeys: 3,
        });
      return record;
    }
    default:
      return anyJson;
  }
}

/** Mostly schema-valid values, sometimes anything at all, sometimes valid objects with a stray key. */
export function fuzzed(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const withStrayKey = valid(schema).chain((value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? fc.tuple(nastyString, anyJson).map(([k, v]) => ({ ...value, [k]: v }))
      : fc.constant(value),
  );
  return fc.oneof(
    { weight: 5, arbitrary: valid(schema) },
    { weight: 2, arbitrary: anyJson },
    { weight: 2, arbitrary: withStrayKey },
  );
}

export const pathValue = (schema: JsonSchema | undefined) =>
  fc.oneof(
    { weight: 3, arbitrary: valid(schema) },
    { weight: 1, arbitrary: nastyString.filter((s) => s.length > 0) },
  );
