import {
  COMPUTED_NAME_PATTERN,
  ComputedAttributeInput,
  ComputedAttributeView,
  ComputedValues,
} from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const NameParams = Type.Object({
  name: Type.String({ pattern: COMPUTED_NAME_PATTERN, description: 'lower_snake_case, up to 64 characters' }),
});
type NameParams = Static<typeof NameParams>;
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['computed-attributes'];

/** Computed attributes: definitions (each backfills in the background) and a customer's values. */
export async function computedRoutes(app: FastifyInstance, { ingestion }: Services) {
  const { computed } = ingestion;
  app.get(
    '/computed-attributes',
    { config: read, schema: { tags, response: { 200: Type.Array(ComputedAttributeView) } } },
    () => computed.list(),
  );
  app.get<{ Params: NameParams }>(
    '/computed-attributes/:name',
    { config: read, schema: { tags, params: NameParams, response: { 200: ComputedAttributeView } } },
    (req) => computed.get(req.params.name),
  );
  app.put<{ Params: NameParams; Body: Static<typeof ComputedAttributeInput> }>(
    '/computed-attributes/:name',
    {
      config: write,
      schema: {
        tags,
        description:
          'Creates or replaces the attribute; values are recomputed in the background (see backfill)',
        params: NameParams,
        body: ComputedAttributeInput,
        response: { 200: ComputedAttributeView },
      },
    },
    (req) => computed.put(req.params.name, req.body),
  );
  app.delete<{ Params: NameParams }>(
    '/computed-attributes/:name',
    {
      config: write,
      schema: { tags, params: NameParams, response: { 200: Type.Object({ deleted: Type.Literal(true) }) } },
    },
    async (req) => {
      await computed.remove(req.params.name);
      return { deleted: true as const };
    },
  );
  app.get<{ Params: Static<typeof IdParams> }>(
    '/customers/:id/computed',
    {
      config: { capability: 'customers:read' },
      schema: { tags, params: IdParams, response: { 200: ComputedValues } },
    },
    (req) => computed.valuesFor(req.params.id),
  );
}
