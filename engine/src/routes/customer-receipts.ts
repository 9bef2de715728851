import { suppressionStore } from '@itinera/nodes/send';
import { ReceiptRow, SuppressionRow } from '@itinera/schemas';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { receiptStore } from '../services/receipts/store.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const config = { capability: 'customers:read' } as const;
const tags = ['customers'];

/** A customer's provider receipts and the addresses they suppressed. */
export async function customerReceiptRoutes(app: FastifyInstance, { db, ingestion }: Services) {
  const receipts = receiptStore(db, ingestion);
  const suppressions = suppressionStore(db);
  app.get<{ Params: Static<typeof IdParams> }>(
    '/customers/:id/receipts',
    {
      config,
      schema: {
        tags,
        summary: 'Delivery receipts (delivered, bounced, complained, undelivered), newest first',
        params: IdParams,
        response: { 200: Type.Array(ReceiptRow) },
      },
    },
    async (req) =>
      (await receipts.forCustomer(req.params.id)).map((r) => ({
        id: r._id,
        provider: r.provider,
        status: r.status,
        providerStatus: r.providerStatus,
        ...(r.reason ? { reason: r.reason } : {}),
        at: r.at,
        deliveryId: r.deliveryId,
        journeyId: r.journeyId,
        nodeId: r.nodeId,
        channel: r.channel,
      })),
  );
  app.get<{ Params: Static<typeof IdParams> }>(
    '/customers/:id/suppressions',
    {
      config,
      schema: {
        tags,
        summary: 'Addresses suppressed by a hard bounce or complaint; a changed address is reachable again',
        params: IdParams,
        response: { 200: Type.Array(SuppressionRow) },
      },
    },
    async (req) => (await suppressions.read(req.params.id)).map(({ customerId: _, ...rest }) => rest),
  );
}
