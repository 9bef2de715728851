import { BatchCall, IdentifyCall, TrackCall } from '@itinera/schemas';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import type { Call } from '../services/ingestion.ts';

const config = { capability: 'events:write' } as const;
const tags = ['ingestion'];

/** 202 when an event is stored but waits for Temporal to come back before it reaches its journeys. */
const statusFor = ({ deferred }: { deferred: number }) => (deferred > 0 ? 202 : 200);

/** Segment-compatible tracking endpoints. */
export async function ingestionRoutes(app: FastifyInstance, { ingestion }: Services) {
  app.post<{ Body: TrackCall }>(
    '/track',
    { config, schema: { tags, body: TrackCall } },
    async (req, reply) => {
      const result = await ingestion.accept([{ ...req.body, type: 'track' }], false);
      return reply.status(statusFor(result)).send({ success: true, ...result });
    },
  );
  app.post<{ Body: IdentifyCall }>(
    '/identify',
    { config, schema: { tags, body: IdentifyCall } },
    async (req, reply) => {
      const result = await ingestion.accept([{ ...req.body, type: 'identify' }], false);
      return reply.status(statusFor(result)).send({ success: true, ...result });
    },
  );
  app.post<{ Body: BatchCall }>(
    '/batch',
    { config, schema: { tags, body: BatchCall } },
    async (req, reply) => {
      const result = await ingestion.accept(req.body.batch as Call[], true);
      return reply.status(statusFor(result)).send({ success: true, ...result });
    },
  );
}
