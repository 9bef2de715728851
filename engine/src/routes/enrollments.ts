import { Accepted, COLLECTIONS, EnrollmentDetail, EnrollmentRow } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const tags = ['enrollments'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
const ListQuery = Type.Object({
  journeyId: Type.Optional(Type.String()),
  customerId: Type.Optional(Type.String()),
  status: Type.Optional(
    Type.Union(['active', 'completed', 'converted', 'exited', 'failed'].map((s) => Type.Literal(s))),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
const ExitBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) });

export async function enrollmentRoutes(app: FastifyInstance, { db, enrollments, journeys }: Services) {
  const read = { capability: 'customers:read' } as const;
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/enrollments',
    { config: read, schema: { tags, querystring: ListQuery, response: { 200: Type.Array(EnrollmentRow) } } },
    (req) => {
      const { limit, ...filter } = req.query;
      return enrollments.list(filter, limit);
    },
  );
  app.get<{ Params: IdParams }>(
    '/enrollments/:id',
    { config: read, schema: { tags, params: IdParams, response: { 200: EnrollmentDetail } } },
    async (req) => {
      const enrollment = await enrollments.get(req.params.id);
      const [timeline, version] = await Promise.all([
        db
          .collection(COLLECTIONS.steps)
          .find({ enrollmentId: enrollment.id })
          .sort({ at: 1, visit: 1 })
          .toArray(),
        journeys.version(enrollment.journeyId, enrollment.version),
      ]);
      return {
        enrollment,
        // `foldKey` and `hour` are the analytics fold's bookkeeping, not part of the timeline.
        timeline: timeline.map(({ _id, foldKey: _key, hour: _hour, ...step }) => ({ id: _id, ...step })),
        graph: version.graph,
      };
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof ExitBody> | undefined }>(
    '/enrollments/:id/exit',
    {
      config: { capability: 'enrollments:exit' },
      schema: { tags, params: IdParams, body: Type.Optional(ExitBody), response: { 202: Accepted } },
    },
    async (req, reply) => {
      const reason = req.body?.reason ?? `requested by ${req.apiKey?.name ?? 'API'}`;
      await enrollments.exit(req.params.id, reason);
      return reply.status(202).send({ accepted: true });
    },
  );
}
