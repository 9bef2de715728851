import { ApiKeyInput, ApiKeySummary, CreatedApiKey } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { apiKeyService, KEY_ID_PATTERN } from '../services/api-keys.ts';

const config = { capability: 'keys:manage' } as const;
const tags = ['api-keys'];
const KeyParams = Type.Object({ id: Type.String({ pattern: KEY_ID_PATTERN }) });

/** API-key management, admin only: the plain key is returned once, at creation. */
export async function apiKeyRoutes(app: FastifyInstance, { db }: Services) {
  const keys = apiKeyService(db);
  app.get('/api-keys', { config, schema: { tags, response: { 200: Type.Array(ApiKeySummary) } } }, () =>
    keys.list(),
  );
  app.post<{ Body: ApiKeyInput }>(
    '/api-keys',
    { config, schema: { tags, body: ApiKeyInput, response: { 201: CreatedApiKey } } },
    async (req, reply) => reply.status(201).send(await keys.create(req.body.role, req.body.name)),
  );
  app.delete<{ Params: Static<typeof KeyParams> }>(
    '/api-keys/:id',
    { config, schema: { tags, params: KeyParams, response: { 204: Type.Null() } } },
    async (req, reply) => {
      await keys.revoke(req.params.id);
      return reply.status(204).send();
    },
  );
}
