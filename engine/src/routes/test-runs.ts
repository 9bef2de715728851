import { ScenariosBody, ScenariosResponse, TestRunRequest, TestRunResult } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
const tags = ['test runs'];
const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;

/** Test runs on the time-skipping server, and the saved scenarios that guard publishing. */
export async function testRunRoutes(app: FastifyInstance, { journeys, testRuns, scenarios }: Services) {
  app.post<{ Params: IdParams; Body: Static<typeof TestRunRequest> }>(
    '/journeys/:id/test-runs',
    {
      config: write,
      schema: { tags, params: IdParams, body: TestRunRequest, response: { 200: TestRunResult } },
    },
    (req) => testRuns.run(req.params.id, req.body),
  );
  app.get<{ Params: IdParams }>(
    '/journeys/:id/scenarios',
    { config: read, schema: { tags, params: IdParams, response: { 200: ScenariosResponse } } },
    async (req) => {
      await journeys.get(req.params.id);
      return { scenarios: await scenarios.list(req.params.id) };
    },
  );
  app.put<{ Params: IdParams; Body: Static<typeof ScenariosBody> }>(
    '/journeys/:id/scenarios',
    {
      config: write,
      schema: { tags, params: IdParams, body: ScenariosBody, response: { 200: ScenariosResponse } },
    },
    async (req) => {
      await journeys.get(req.params.id);
      return { scenarios: await scenarios.save(req.params.id, req.body.scenarios) };
    },
  );
}
