import { BatchCall, IdentifyCall, IngestResult, TrackCall } from '@itinera/schemas';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import type { Call } from '../services/ingestion.ts';

const config = { capability: 'events:write' } as const;
const tags = ['ingestion'];
const response = { 200: IngestResult };

/** Segment-compatible tracking endpoints. */
export async function ingestionRoutes(app: FastifyInstance, { ingestion }: Services) {
  app.post<{ Body: TrackCall }>(
    '/track',
    { config, schema: { tags, body: TrackCall, response } },
    async (req) => {
      const result = await ingestion.accept([{ ...req.body, type: 'track' }], false);
      return { success: true, ...result };
    },
  );
  app.post<{ Body: IdentifyCall }>(
    '/identify',
    { config, schema: { tags, body: IdentifyCall, response } },
    async (req) => {
      const result = await ingestion.accept([{ ...req.body, type: 'identify' }], false);
      return { success: true, ...result };
    },
  );
  app.post<{ Body: BatchCall }>(
    '/batch',
    { config, schema: { tags, body: BatchCall, response } },
    async (req) => {
      const result = await ingestion.accept(req.body.batch as Call[], true);
      return { success: true, ...result };
    },
  );
}
