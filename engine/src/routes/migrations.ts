import { MigrationPreview, MigrationRequest, MigrationRun, MigrationStatus } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const tags = ['migrations'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const StatusParams = Type.Object({
  id: Type.String({ minLength: 1 }),
  migrationId: Type.String({ minLength: 1 }),
});
type Body = { Params: Static<typeof IdParams>; Body: MigrationRequest };

/** Moving waiting customers from one published version of a journey to another. */
export async function migrationRoutes(app: FastifyInstance, { migrations }: Services) {
  const read = { capability: 'journeys:read' } as const;
  const write = { capability: 'journeys:write' } as const;
  app.post<Body>(
    '/journeys/:id/migrations/preview',
    {
      config: read,
      schema: { tags, params: IdParams, body: MigrationRequest, response: { 200: MigrationPreview } },
    },
    (req) => migrations.preview(req.params.id, req.body),
  );
  app.post<Body>(
    '/journeys/:id/migrations',
    {
      config: write,
      schema: {
        tags,
        params: IdParams,
        body: MigrationRequest,
        response: { 200: MigrationRun, 202: MigrationRun },
      },
    },
    async (req, reply) => {
      const run = await migrations.start(req.params.id, req.body, req.apiKey?.name ?? 'API');
      // A cutover goes on in the background: 202 with its id; a dry run is a complete answer.
      return reply.code(run.dryRun ? 200 : 202).send(run);
    },
  );
  app.post<{ Params: Static<typeof StatusParams> }>(
    '/journeys/:id/migrations/:migrationId/cancel',
    { config: write, schema: { tags, params: StatusParams, response: { 200: MigrationStatus } } },
    (req) => migrations.cancel(req.params.id, req.params.migrationId),
  );
  app.get<{ Params: Static<typeof StatusParams> }>(
    '/journeys/:id/migrations/:migrationId',
    { config: read, schema: { tags, params: StatusParams, response: { 200: MigrationStatus } } },
    (req) => migrations.status(req.params.id, req.params.migrationId),
  );
}
