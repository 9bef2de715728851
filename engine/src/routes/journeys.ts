import { randomUUID } from 'node:crypto';
import { JourneyGraph, JourneyInput, JourneySettings, validateGraph } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { presenceService } from '../services/presence.ts';
import { journeyStats } from '../services/stats.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
const JourneyPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    graph: Type.Optional(JourneyGraph),
    settings: Type.Optional(Type.Partial(JourneySettings)),
    /** The draft revision this save is based on; a stale one is refused with 409. */
    revision: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
const PublishBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) });
const EntriesBody = Type.Object({
  customerIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 1000 }),
  requestId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['journeys'];

export async function journeyRoutes(
  app: FastifyInstance,
  { journeys, enrollments, db, capabilities }: Services,
) {
  app.get('/journeys', { config: read, schema: { tags } }, async () => {
    const list = await journeys.list();
    return Promise.all(
      list.map(async (j) => ({ ...j, graph: undefined, stats: await journeyStats(db, j.id) })),
    );
  });
  app.post<{ Body: JourneyInput }>(
    '/journeys',
    { config: write, schema: { tags, body: JourneyInput } },
    async (req, reply) => reply.status(201).send(await journeys.create(req.body)),
  );
  app.get<{ Params: IdParams }>(
    '/journeys/:id',
    { config: read, schema: { tags, params: IdParams } },
    (req) => journeys.get(req.params.id),
  );
  app.put<{ Params: IdParams; Body: Static<typeof JourneyPatch> }>(
    '/journeys/:id',
    { config: write, schema: { tags, params: IdParams, body: JourneyPatch } },
    (req) => journeys.update(req.params.id, req.body, req.apiKey?.name),
  );
  const presence = presenceService(db);
  app.put<{ Params: IdParams }>(
    '/journeys/:id/presence',
    { config: read, schema: { tags, params: IdParams } },
    async (req) => {
      await journeys.get(req.params.id);
      return { others: await presence.beat(req.params.id, req.apiKey?.name ?? 'unknown') };
    },
  );
  app.delete<{ Params: IdParams }>(
    '/journeys/:id/presence',
    { config: read, schema: { tags, params: IdParams } },
    async (req, reply) => {
      await presence.leave(req.params.id, req.apiKey?.name ?? 'unknown');
      return reply.status(204).send();
    },
  );
  app.post<{ Params: IdParams }>(
    '/journeys/:id/validate',
    { config: read, schema: { tags, params: IdParams } },
    async (req) => {
      const problems = validateGraph((await journeys.get(req.params.id)).graph);
      return { valid: problems.length === 0, problems };
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof PublishBody> | undefined }>(
    '/journeys/:id/publish',
    { config: write, schema: { tags, params: IdParams, body: Type.Optional(PublishBody) } },
    async (req, reply) => {
      await capabilities.assertExecutable((await journeys.get(req.params.id)).graph);
      return reply.status(201).send(await journeys.publish(req.params.id, req.body?.note ?? ''));
    },
  );
  for (const action of ['pause', 'resume', 'archive', 'unarchive', 'duplicate'] as const) {
    app.post<{ Params: IdParams }>(
      `/journeys/:id/${action}`,
      { config: write, schema: { tags, params: IdParams } },
      (req) => journeys[action](req.params.id),
    );
  }
  app.get<{ Params: IdParams }>(
    '/journeys/:id/versions',
    { config: read, schema: { tags, params: IdParams } },
    (req) => journeys.versions(req.params.id),
  );
  const VersionParams = Type.Object({ id: Type.String(), version: Type.Integer({ minimum: 1 }) });
  app.get<{ Params: Static<typeof VersionParams> }>(
    '/journeys/:id/versions/:version',
    { config: read, schema: { tags, params: VersionParams } },
    (req) => journeys.version(req.params.id, req.params.version),
  );
  app.get<{ Params: IdParams }>(
    '/journeys/:id/stats',
    { config: read, schema: { tags, params: IdParams } },
    async (req) => {
      await journeys.get(req.params.id);
      return journeyStats(db, req.params.id);
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof EntriesBody> }>(
    '/journeys/:id/entries',
    { config: write, schema: { tags, params: IdParams, body: EntriesBody } },
    async (req) => {
      const journey = await journeys.get(req.params.id);
      const requestId = req.body.requestId ?? randomUUID();
      const results = [];
      for (const customerId of req.body.customerIds) {
        const outcome = await enrollments.enter(journey, customerId, null, `api-${requestId}`);
        results.push({ customerId, ...outcome });
      }
      return { results };
    },
  );
}
