import { randomUUID } from 'node:crypto';
import {
  AnyObject,
  CanvasNotes,
  JourneyDetail,
  JourneyGraph,
  JourneyInput,
  JourneySettings,
  JourneyStatsResponse,
  JourneySummary,
  VersionDetail,
  VersionSummary,
  validateGraph,
} from '@itinera/schemas';
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
    notes: Type.Optional(CanvasNotes),
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
const ok = <T>(schema: T) => ({ 200: schema });
const Validation = Type.Object({ valid: Type.Boolean(), problems: Type.Array(Type.Unknown()) });
const EntryResults = Type.Object({
  results: Type.Array(Type.Object({ customerId: Type.String() }, { additionalProperties: true })),
});

export async function journeyRoutes(
  app: FastifyInstance,
  { journeys, enrollments, db, capabilities, scenarios }: Services,
) {
  app.get(
    '/journeys',
    { config: read, schema: { tags, response: ok(Type.Array(JourneySummary)) } },
    async () => {
      const list = await journeys.list();
      return Promise.all(
        list.map(async (j) => ({ ...j, graph: undefined, stats: await journeyStats(db, j.id) })),
      );
    },
  );
  app.post<{ Body: JourneyInput }>(
    '/journeys',
    { config: write, schema: { tags, body: JourneyInput, response: { 201: JourneyDetail } } },
    async (req, reply) => reply.status(201).send(await journeys.create(req.body)),
  );
  app.get<{ Params: IdParams }>(
    '/journeys/:id',
    { config: read, schema: { tags, params: IdParams, response: ok(JourneyDetail) } },
    (req) => journeys.get(req.params.id),
  );
  app.put<{ Params: IdParams; Body: Static<typeof JourneyPatch> }>(
    '/journeys/:id',
    { config: write, schema: { tags, params: IdParams, body: JourneyPatch, response: ok(JourneyDetail) } },
    (req) => journeys.update(req.params.id, req.body, req.apiKey?.name),
  );
  const presence = presenceService(db);
  app.put<{ Params: IdParams }>(
    '/journeys/:id/presence',
    {
      config: read,
      schema: { tags, params: IdParams, response: ok(Type.Object({ others: Type.Array(AnyObject) })) },
    },
    async (req) => {
      await journeys.get(req.params.id);
      return { others: await presence.beat(req.params.id, req.apiKey?.name ?? 'unknown') };
    },
  );
  app.delete<{ Params: IdParams }>(
    '/journeys/:id/presence',
    { config: read, schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (req, reply) => {
      await presence.leave(req.params.id, req.apiKey?.name ?? 'unknown');
      return reply.status(204).send();
    },
  );
  app.post<{ Params: IdParams }>(
    '/journeys/:id/validate',
    { config: read, schema: { tags, params: IdParams, response: ok(Validation) } },
    async (req) => {
      const problems = validateGraph((await journeys.get(req.params.id)).graph);
      return { valid: problems.length === 0, problems };
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof PublishBody> | undefined }>(
    '/journeys/:id/publish',
    {
      config: write,
      schema: { tags, params: IdParams, body: Type.Optional(PublishBody), response: { 201: VersionDetail } },
    },
    async (req, reply) => {
      await capabilities.assertExecutable((await journeys.get(req.params.id)).graph);
      await scenarios.guardPublish(req.params.id);
      return reply.status(201).send(await journeys.publish(req.params.id, req.body?.note ?? ''));
    },
  );
  for (const action of ['pause', 'resume', 'archive', 'unarchive', 'duplicate'] as const) {
    app.post<{ Params: IdParams }>(
      `/journeys/:id/${action}`,
      { config: write, schema: { tags, params: IdParams, response: ok(JourneyDetail) } },
      (req) => journeys[action](req.params.id),
    );
  }
  app.get<{ Params: IdParams }>(
    '/journeys/:id/versions',
    { config: read, schema: { tags, params: IdParams, response: ok(Type.Array(VersionSummary)) } },
    (req) => journeys.versions(req.params.id),
  );
  const VersionParams = Type.Object({ id: Type.String(), version: Type.Integer({ minimum: 1 }) });
  app.get<{ Params: Static<typeof VersionParams> }>(
    '/journeys/:id/versions/:version',
    { config: read, schema: { tags, params: VersionParams, response: ok(VersionDetail) } },
    (req) => journeys.version(req.params.id, req.params.version),
  );
  app.get<{ Params: IdParams }>(
    '/journeys/:id/stats',
    { config: read, schema: { tags, params: IdParams, response: ok(JourneyStatsResponse) } },
    async (req) => {
      await journeys.get(req.params.id);
      return journeyStats(db, req.params.id);
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof EntriesBody> }>(
    '/journeys/:id/entries',
    { config: write, schema: { tags, params: IdParams, body: EntriesBody, response: ok(EntryResults) } },
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
