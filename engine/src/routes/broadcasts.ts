import { BroadcastInput, BroadcastView } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['broadcasts'];

/** Broadcasts: send a live journey once to everyone in a segment, now, at a time, or at a local time. */
export async function broadcastRoutes(app: FastifyInstance, { broadcasts }: Services) {
  app.post<{ Body: Static<typeof BroadcastInput> }>(
    '/broadcasts',
    { config: write, schema: { tags, body: BroadcastInput, response: { 201: BroadcastView } } },
    async (req, reply) => reply.status(201).send(await broadcasts.create(req.body)),
  );
  app.get(
    '/broadcasts',
    { config: read, schema: { tags, response: { 200: Type.Array(BroadcastView) } } },
    () => broadcasts.list(),
  );
  app.get<{ Params: IdParams }>(
    '/broadcasts/:id',
    { config: read, schema: { tags, params: IdParams, response: { 200: BroadcastView } } },
    (req) => broadcasts.get(req.params.id),
  );
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post<{ Params: IdParams }>(
      `/broadcasts/:id/${action}`,
      {
        config: write,
        schema: {
          tags,
          params: IdParams,
          description: `Asks the running broadcast to ${action}; it takes effect within its current batch`,
          response: { 200: BroadcastView },
        },
      },
      (req) => broadcasts[action](req.params.id),
    );
  }
}
