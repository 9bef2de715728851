import {
  AliasCall,
  AnyObject,
  BatchCall,
  GroupCall,
  IdentifyCall,
  IngestResult,
  PageCall,
  ScreenCall,
  TrackCall,
} from '@itinera/schemas';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import { registerLosslessJsonBodies } from '../plugins/lossless-json.ts';
import type { Call } from '../services/ingestion.ts';

const config = { capability: 'events:write' } as const;
const tags = ['ingestion'];
const MessageParams = Type.Object({ messageId: Type.String({ minLength: 1 }) });
const response = { 200: IngestResult, 202: IngestResult };

const SINGLE_CALLS: [Call['type'], TSchema][] = [
  ['track', TrackCall],
  ['identify', IdentifyCall],
  ['page', PageCall],
  ['screen', ScreenCall],
  ['group', GroupCall],
  ['alias', AliasCall],
];

/** 202 when an event is stored but waits for Temporal to come back before it reaches its journeys. */
const statusFor = ({ deferred }: { deferred: number }) => (deferred > 0 ? 202 : 200);

/** Segment-compatible tracking endpoints (the six call types and batch). */
export async function ingestionRoutes(app: FastifyInstance, { ingestion }: Services) {
  await app.register(async (scope) => {
    registerLosslessJsonBodies(scope);
    for (const [type, body] of SINGLE_CALLS) {
      scope.post<{ Body: Record<string, unknown> }>(
        `/${type}`,
        { config, schema: { tags, body, response } },
        async (req, reply) => {
          const result = await ingestion.accept([{ ...req.body, type } as unknown as Call], false);
          return reply.status(statusFor(result)).send({ success: true, ...result });
        },
      );
    }
    scope.post<{ Body: BatchCall }>(
      '/batch',
      { config, schema: { tags, body: BatchCall, response } },
      async (req, reply) => {
        const result = await ingestion.accept(req.body.batch as Call[], true);
        return reply.status(statusFor(result)).send({ success: true, ...result });
      },
    );
  });

  app.get(
    '/events/parked',
    { config: { capability: 'customers:read' }, schema: { tags, response: { 200: Type.Array(AnyObject) } } },
    () => ingestion.parked.list(),
  );
  app.post<{ Params: Static<typeof MessageParams> }>(
    '/events/parked/:messageId/retry',
    {
      config: { capability: 'customers:write' },
      schema: { tags, params: MessageParams, response: { 200: Type.Object({ retrying: Type.Boolean() }) } },
    },
    async (req) => {
      if (!(await ingestion.parked.retry(req.params.messageId)))
        throw new HttpError(404, `No parked event "${req.params.messageId}"`, 'messageId');
      return { retrying: true };
    },
  );
}
