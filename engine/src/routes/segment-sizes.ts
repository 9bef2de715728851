import { SegmentSizeHistory, SegmentSizeQuery } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { segmentSizes } from '../services/segment-sizes.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** A segment's size per hour or day over a range, for the editor's chart. */
export async function segmentSizeRoutes(app: FastifyInstance, { db, segments }: Services) {
  const sizes = segmentSizes(db);
  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof SegmentSizeQuery> }>(
    '/segments/:id/sizes',
    {
      config: { capability: 'journeys:read' },
      schema: {
        tags: ['segments'],
        description:
          "The segment's size at the end of each hour or day of a range, with the entries and exits in it",
        params: IdParams,
        querystring: SegmentSizeQuery,
        response: { 200: SegmentSizeHistory },
      },
    },
    async (req) => {
      await segments.definition(req.params.id);
      return sizes(req.params.id, req.query);
    },
  );
}
