import { DEFAULT_DELIVERY_SETTINGS, subscriptionStore } from '@itinera/nodes/send';
import { AnyObject, COLLECTIONS, CustomerSubscriptions, DeliverySettings } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { consentChanges } from '../services/consent-changes.ts';

const tags = ['delivery'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
type IdParams = Static<typeof IdParams>;
/** A partial update: only the halves sent are replaced. */
const DeliverySettingsPatch = Type.Partial(DeliverySettings, {
  additionalProperties: false,
  minProperties: 1,
});
const Subscriptions = CustomerSubscriptions;
const SubscriptionsBody = Type.Partial(Subscriptions, { additionalProperties: false });

/** Workspace delivery settings, per-customer subscriptions, and delivery records. */
export async function deliveryRoutes(app: FastifyInstance, { db, ingestion }: Services) {
  const settings = db.collection(COLLECTIONS.settings);
  const subscriptions = subscriptionStore(db);
  const consent = consentChanges(db, ingestion);
  const deliveries = db.collection(COLLECTIONS.deliveries);
  const read = { capability: 'customers:read' } as const;

  const current = async () => {
    const { _id, ...doc } = (await settings.findOne({ _id: 'delivery' as never })) ?? { _id: 'delivery' };
    return { ...DEFAULT_DELIVERY_SETTINGS, ...doc } as Static<typeof DeliverySettings>;
  };
  const settingsResponse = { 200: DeliverySettings };
  app.get('/settings/delivery', { config: read, schema: { tags, response: settingsResponse } }, current);
  app.put<{ Body: Static<typeof DeliverySettingsPatch> }>(
    '/settings/delivery',
    {
      config: { capability: 'settings:write' },
      schema: { tags, body: DeliverySettingsPatch, response: settingsResponse },
    },
    async (req) => {
      await settings.updateOne({ _id: 'delivery' as never }, { $set: req.body }, { upsert: true });
      return current();
    },
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/subscriptions',
    { config: read, schema: { tags, params: IdParams, response: { 200: Subscriptions } } },
    (req) => subscriptions.read(req.params.id),
  );
  app.put<{ Params: IdParams; Body: Static<typeof SubscriptionsBody> }>(
    '/customers/:id/subscriptions',
    {
      config: { capability: 'customers:write' },
      schema: { tags, params: IdParams, body: SubscriptionsBody, response: { 200: Subscriptions } },
    },
    async (req) => {
      await consent.update(req.params.id, req.body);
      return subscriptions.read(req.params.id);
    },
  );
  app.get<{ Params: IdParams }>(
    '/customers/:id/deliveries',
    { config: read, schema: { tags, params: IdParams, response: { 200: Type.Array(AnyObject) } } },
    async (req) => {
      const docs = await deliveries
        .find({ customerId: req.params.id })
        .sort({ createdAt: -1 })
        .limit(200)
        .toArray();
      return docs.map(({ _id, response: _, ...rest }) => ({ id: _id, ...rest }));
    },
  );
  app.get<{ Params: IdParams }>(
    '/journeys/:id/deliveries',
    {
      config: read,
      schema: {
        tags,
        params: IdParams,
        response: {
          200: Type.Object({
            nodes: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
              description: 'Per node: deliveries by status, plus opened and clicked',
            }),
          }),
        },
      },
    },
    async (req) => {
      const journeyId = req.params.id;
      const groupBy = (match: object, key: object) =>
        deliveries
          .aggregate([{ $match: { journeyId, ...match } }, { $group: { _id: key, count: { $sum: 1 } } }])
          .toArray();
      const [byStatus, opened, clicked] = await Promise.all([
        groupBy({}, { nodeId: '$nodeId', status: '$status' }),
        groupBy({ opens: { $gt: 0 } }, { nodeId: '$nodeId' }),
        groupBy({ clicks: { $gt: 0 } }, { nodeId: '$nodeId' }),
      ]);
      const nodes: Record<string, Record<string, number>> = {};
      const add = (nodeId: string, key: string, count: number) => {
        nodes[nodeId] ??= {};
        nodes[nodeId][key] = count;
      };
      for (const { _id, count } of byStatus) add(_id.nodeId, _id.status, count);
      for (const { _id, count } of opened) add(_id.nodeId, 'opened', count);
      for (const { _id, count } of clicked) add(_id.nodeId, 'clicked', count);
      return { nodes };
    },
  );
}
