import {
  CustomerSegments,
  DryRunBody,
  DryRunResult,
  ManualMembersBody,
  MembersPage,
  MembersQuery,
  SegmentBody,
  SegmentPatch,
  SegmentView,
} from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';

const read = { capability: 'journeys:read' } as const;
const write = { capability: 'journeys:write' } as const;
const tags = ['segments'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
type IdParams = Static<typeof IdParams>;

/** Segments: definitions, dry runs while editing, members, manual lists and a customer's segments. */
export async function segmentRoutes(app: FastifyInstance, { segments }: Services) {
  app.get('/segments', { config: read, schema: { tags, response: { 200: Type.Array(SegmentView) } } }, () =>
    segments.list(),
  );
  app.post<{ Body: SegmentBody }>(
    '/segments',
    {
      config: write,
      schema: {
        tags,
        description:
          'Creates a segment; a rules segment is then computed over existing customers (status computing)',
        body: SegmentBody,
        response: { 201: SegmentView },
      },
    },
    async (req, reply) => reply.status(201).send(await segments.create(req.body)),
  );
  app.post<{ Body: DryRunBody }>(
    '/segments/dry-run',
    {
      config: read,
      schema: {
        tags,
        description: 'How many customers a rule tree matches now, with a sample, without saving it',
        body: DryRunBody,
        response: { 200: DryRunResult },
      },
    },
    (req) => segments.dryRun(req.body.rules, req.body.sample ?? 10),
  );
  app.get<{ Params: IdParams }>(
    '/segments/:id',
    { config: read, schema: { tags, params: IdParams, response: { 200: SegmentView } } },
    (req) => segments.get(req.params.id),
  );
  app.patch<{ Params: IdParams; Body: SegmentPatch }>(
    '/segments/:id',
    {
      config: write,
      schema: {
        tags,
        description: 'Changes a segment; new rules are computed over existing customers again',
        params: IdParams,
        body: SegmentPatch,
        response: { 200: SegmentView },
      },
    },
    (req) => segments.update(req.params.id, req.body),
  );
  app.delete<{ Params: IdParams }>(
    '/segments/:id',
    { config: write, schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (req, reply) => {
      await segments.remove(req.params.id);
      return reply.status(204).send();
    },
  );
  app.get<{ Params: IdParams; Querystring: Static<typeof MembersQuery> }>(
    '/segments/:id/members',
    {
      config: read,
      schema: {
        tags,
        description: 'Members by customer id, a page at a time',
        params: IdParams,
        querystring: MembersQuery,
        response: { 200: MembersPage },
      },
    },
    async (req) => {
      await segments.get(req.params.id);
      const limit = req.query.limit ?? 100;
      const members = await segments.membership.list(req.params.id, req.query.after, limit);
      return { members, ...(members.length === limit ? { next: members.at(-1)?.customerId } : {}) };
    },
  );
  app.post<{ Params: IdParams; Body: Static<typeof ManualMembersBody> }>(
    '/segments/:id/members',
    {
      config: write,
      schema: {
        tags,
        description: 'Adds and removes members of a manual segment',
        params: IdParams,
        body: ManualMembersBody,
        response: { 200: Type.Object({ added: Type.Integer(), removed: Type.Integer() }) },
      },
    },
    (req) => segments.changeManual(req.params.id, req.body),
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/segments',
    {
      config: { capability: 'customers:read' },
      schema: {
        tags: ['customers'],
        description: "The customer's segments and their entered/exited timeline, with reasons",
        params: IdParams,
        response: { 200: CustomerSegments },
      },
    },
    (req) => segments.customerSegments(req.params.id),
  );
}
