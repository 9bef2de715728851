import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ErasureService } from '../services/erasure.ts';
import { HttpError } from './errors.ts';

const INGESTION_ROUTES = new Set(
  ['track', 'identify', 'page', 'screen', 'group', 'alias', 'batch'].map((call) => `/v1/${call}`),
);
const RecreateQuery = Type.Object({
  recreate: Type.Optional(
    Type.Boolean({ description: 'Accept events for an erased customer, creating them again' }),
  ),
});
type Call = { userId?: unknown };

/**
 * Events for an erased customer are refused (409) unless `?recreate=true`; in a batch their items are
 * dropped and the rest is accepted, so one erased customer cannot block everyone else's events.
 */
export function refuseErasedCustomers(app: FastifyInstance, erasure: ErasureService): void {
  app.addHook('onRoute', (route) => {
    if (INGESTION_ROUTES.has(route.url)) route.schema = { ...route.schema, querystring: RecreateQuery };
  });
  app.addHook('preHandler', async (request) => {
    if (!INGESTION_ROUTES.has(request.routeOptions.url ?? '')) return;
    const body = request.body as Call & { batch?: Call[] };
    const calls = Array.isArray(body.batch) ? body.batch : [body];
    const ids = [...new Set(calls.map((c) => c.userId).filter((id): id is string => typeof id === 'string'))];
    const erased = await erasure.erasedAmong(ids);
    if (erased.size === 0) return;
    if ((request.query as { recreate?: boolean }).recreate === true) {
      for (const id of erased) await erasure.recreate(id);
      return;
    }
    const kept = calls.filter((c) => !erased.has(c.userId as string));
    if (!Array.isArray(body.batch) || kept.length === 0)
      throw new HttpError(
        409,
        `Customer "${[...erased][0]}" was erased; send ?recreate=true to create them again`,
        'userId',
      );
    body.batch = kept;
  });
}
