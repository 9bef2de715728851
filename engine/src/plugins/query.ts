import type { FastifySchema } from 'fastify';

type JsonObjectSchema = { type?: string; additionalProperties?: unknown; properties?: object };

/**
 * Every query string is validated against its schema and unknown keys are refused, so nothing a
 * client adds to the URL can reach a store filter. Routes without a schema accept no keys at all.
 */
export function strictQueryStrings(schema: FastifySchema): FastifySchema {
  const query = schema.querystring as JsonObjectSchema | undefined;
  if (!query)
    return { ...schema, querystring: { type: 'object', properties: {}, additionalProperties: false } };
  if (query.type === 'object' && query.additionalProperties === undefined)
    return { ...schema, querystring: { ...query, additionalProperties: false } };
  return schema;
}
