import { SegmentImportInput, SegmentImportResult } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { importSegmentMembers } from '../services/segment-import.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** CSV import into a manual segment's members (with a dry-run preview). */
export async function segmentImportRoutes(app: FastifyInstance, { db, segments }: Services) {
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof SegmentImportInput> }>(
    '/segments/:id/members/import',
    {
      config: { capability: 'journeys:write' },
      schema: {
        tags: ['segments'],
        description:
          'Adds the customers of a CSV column to the segment; bad rows are reported by line, good rows kept',
        params: IdParams,
        body: SegmentImportInput,
        response: { 200: SegmentImportResult },
      },
    },
    (req) => importSegmentMembers(db, segments, req.params.id, req.body),
  );
}
