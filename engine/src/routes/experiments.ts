import {
  ExperimentResults,
  GlobalControlSettings,
  GlobalControlView,
  HoldoutResults,
  PromoteBody,
  VersionDetail,
} from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { experimentService } from '../experiments/service.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const NodeParams = Type.Object({ id: Type.String({ minLength: 1 }), nodeId: Type.String({ minLength: 1 }) });
type NodeParams = Static<typeof NodeParams>;

const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['experiments'];

/** Split experiments (results, promoting a winner), journey holdouts and the global control group. */
export async function experimentRoutes(app: FastifyInstance, { db, journeys, capabilities }: Services) {
  const experiments = experimentService(db, journeys);

  app.get<{ Params: NodeParams }>(
    '/journeys/:id/experiments/:nodeId',
    { config: read, schema: { tags, params: NodeParams, response: { 200: ExperimentResults } } },
    (req) => experiments.results(req.params.id, req.params.nodeId),
  );
  app.post<{ Params: NodeParams; Body: PromoteBody }>(
    '/journeys/:id/experiments/:nodeId/promote',
    {
      config: write,
      schema: { tags, params: NodeParams, body: PromoteBody, response: { 201: VersionDetail } },
    },
    async (req, reply) => {
      await capabilities.assertExecutable((await journeys.get(req.params.id)).graph);
      const version = await experiments.promote(
        req.params.id,
        req.params.nodeId,
        req.body.branchId,
        req.body.note,
      );
      return reply.status(201).send(version);
    },
  );
  app.get<{ Params: Static<typeof IdParams> }>(
    '/journeys/:id/holdout',
    { config: read, schema: { tags, params: IdParams, response: { 200: HoldoutResults } } },
    (req) => experiments.holdout(req.params.id),
  );
  app.get(
    '/settings/global-control',
    { config: read, schema: { tags, response: { 200: GlobalControlView } } },
    () => experiments.globalControl(),
  );
  app.put<{ Body: GlobalControlSettings }>(
    '/settings/global-control',
    {
      config: { capability: 'settings:write' },
      schema: { tags, body: GlobalControlSettings, response: { 200: GlobalControlView } },
    },
    async (req) => {
      await experiments.setGlobalControlPercent(req.body.percent);
      return experiments.globalControl();
    },
  );
}
