import { TestSendRequest, TestSendResult } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;

/** Sends a send node's message, rendered for a chosen customer, to a tester's address. */
export async function testSendRoutes(app: FastifyInstance, { testSends }: Services) {
  app.post<{ Params: IdParams; Body: TestSendRequest }>(
    '/journeys/:id/test-send',
    {
      config: { capability: 'journeys:write' },
      schema: {
        tags: ['test runs'],
        params: IdParams,
        body: TestSendRequest,
        response: { 200: TestSendResult },
      },
    },
    (req) => testSends.send(req.params.id, req.body),
  );
}
