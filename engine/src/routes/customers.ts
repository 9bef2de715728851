import {
  AnyObject,
  COLLECTIONS,
  CustomerEventRow,
  CustomerSummary,
  decodeKey,
  decodeRecord,
  EnrollmentRow,
  MessageRow,
} from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { HttpError } from '../plugins/errors.ts';
import { losslessJson } from '../plugins/lossless-json.ts';
import { recentCustomers } from '../services/recent-customers.ts';

const config = { capability: 'customers:read' } as const;
const tags = ['customers'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
const SearchQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});
const NAME_TRAITS = ['name', 'first_name', 'last_name', 'firstName', 'lastName'];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Customers whose id starts with the text, or whose email, name or phone contains it. */
export function customerSearchFilter(search: string): Record<string, unknown> {
  const contains = { $regex: escapeRegex(search), $options: 'i' };
  const or: Record<string, unknown>[] = [
    { _id: { $regex: `^${escapeRegex(search)}` } },
    { 'traits.email': contains },
    ...NAME_TRAITS.map((key) => ({ [`traits.${key}`]: contains })),
  ];
  // Phones are stored as typed ("+44 7700 900123"): match the digits whatever separates them.
  const digits = search.replace(/\D/g, '');
  if (digits.length >= 3 && /^[\d\s()+.-]+$/.test(search))
    or.push({ 'traits.phone': { $regex: digits.split('').join('\\D*') } });
  return { $or: or };
}

export async function customerRoutes(
  app: FastifyInstance,
  { db, ingestion, enrollments, erasure }: Services,
) {
  const profiles = db.collection(COLLECTIONS.profiles);
  const recent = recentCustomers(db);
  const newestFirst = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(b.updatedAt).localeCompare(String(a.updatedAt));
  /** The recent customers from their slots, each profile read by `_id`; the sort only when too few are named. */
  const mostRecent = async (limit: number) => {
    const ids = await recent.latest(limit);
    const docs = (await Promise.all(ids.map((id) => profiles.findOne({ _id: id as never })))).filter(
      (doc) => doc !== null,
    );
    if (docs.length === limit) return docs.sort(newestFirst);
    return profiles.find({}).sort({ updatedAt: -1 }).limit(limit).toArray();
  };
  const toProfile = ({ _id, appliedOperations: _, traits, ...rest }: Record<string, unknown>) => ({
    customerId: _id,
    ...rest,
    traits: decodeRecord(traits),
  });

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/customers',
    {
      config,
      schema: {
        tags,
        description:
          'Customers whose id starts with, or whose email, name or phone contains, the search; the most recently active first (all customers when the search is empty)',
        querystring: SearchQuery,
        response: { 200: Type.Array(CustomerSummary) },
      },
    },
    async (req, reply) => {
      const search = req.query.search?.trim();
      const limit = req.query.limit ?? 50;
      const docs = search
        ? await profiles
            .find(customerSearchFilter(search) as never)
            .sort({ updatedAt: -1 })
            .limit(limit)
            .toArray()
        : await mostRecent(limit);
      return reply.type('application/json').send(losslessJson(docs.map(toProfile)));
    },
  );
  app.get(
    '/customers/attributes',
    { config, schema: { tags, response: { 200: Type.Array(Type.String()) } } },
    async () => {
      const sample = await mostRecent(200);
      return [...new Set(sample.flatMap((p) => Object.keys(p.traits ?? {}).map(decodeKey)))].sort();
    },
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id',
    { config, schema: { tags, params: IdParams, response: { 200: CustomerSummary } } },
    async (req, reply) => {
      const doc = await profiles.findOne({ _id: req.params.id as never });
      if (!doc) throw new HttpError(404, `Customer "${req.params.id}" does not exist`, 'id');
      const computed = await ingestion.computed.valuesFor(req.params.id);
      return reply.type('application/json').send(losslessJson({ ...toProfile(doc), computed }));
    },
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/events',
    { config, schema: { tags, params: IdParams, response: { 200: Type.Array(CustomerEventRow) } } },
    async (req, reply) =>
      reply.type('application/json').send(losslessJson(await ingestion.recentForCustomer(req.params.id))),
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/enrollments',
    { config, schema: { tags, params: IdParams, response: { 200: Type.Array(EnrollmentRow) } } },
    (req) => enrollments.list({ customerId: req.params.id }),
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/messages',
    { config, schema: { tags, params: IdParams, response: { 200: Type.Array(MessageRow) } } },
    async (req) => {
      const docs = await db
        .collection(COLLECTIONS.messages)
        .find({ customerId: req.params.id })
        .sort({ sentAt: -1 })
        .limit(100)
        .toArray();
      return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
    },
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/export',
    {
      config,
      schema: {
        tags,
        params: IdParams,
        description: 'Everything held about the customer',
        response: { 200: AnyObject },
      },
    },
    async (req) => {
      const held = await erasure.exportCustomer(req.params.id);
      if (!held) throw new HttpError(404, `Nothing is held about customer "${req.params.id}"`, 'id');
      return held;
    },
  );
  app.delete<{ Params: IdParams }>(
    '/customers/:id',
    {
      config: { capability: 'customers:write' },
      schema: {
        tags,
        params: IdParams,
        description:
          'Erases the customer: ends their journeys, deletes everything held and keeps a hashed tombstone',
        response: {
          200: Type.Object({ erased: Type.Literal(true), erasedAt: Type.String(), records: Type.Integer() }),
        },
      },
    },
    (req) => erasure.erase(req.params.id),
  );
  app.get('/events/names', { config, schema: { tags, response: { 200: Type.Array(Type.String()) } } }, () =>
    ingestion.eventNames(),
  );
}
