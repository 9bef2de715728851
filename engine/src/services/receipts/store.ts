import { suppressionStore } from '@itinera/nodes/send';
import { COLLECTIONS, foldKeyOf, type ReceiptStatus, type ReceiptsAccepted } from '@itinera/schemas';
import { type Db, type Document, MongoServerError } from 'mongodb';
import type { Services } from '../../app.ts';
import { CHANNEL_OF, type Receipt } from './types.ts';

const DUPLICATE_KEY = 11000;
/** Receipts still unmatched after this long are no longer looked for. */
const MATCH_FOR_MS = 7 * 86_400_000;
const MATCH_BATCH = 500;

/** The customer event each receipt becomes, so it shows on their timeline and can trigger journeys. */
const EVENT_OF: Record<ReceiptStatus, string> = {
  delivered: 'message_delivered',
  hard_bounce: 'message_bounced',
  soft_bounce: 'message_bounced',
  complaint: 'message_complained',
  undelivered: 'message_undelivered',
};

export interface ReceiptDoc extends Receipt {
  _id: string;
  receivedAt: string;
  matched: boolean;
  /** When it was matched to its delivery: the analytics fold finds receipts by it. */
  matchedAt?: string;
  deliveryId?: string;
  deliveryCreatedAt?: string;
  customerId?: string;
  journeyId?: string;
  nodeId?: string;
  enrollmentId?: string;
  channel?: string;
}

export const receiptId = (r: Receipt) => `${r.provider}:${r.providerMessageId}:${r.status}`;

/**
 * Provider receipts: one document per (provider, message, status) claimed by unique insert, so a receipt
 * sent twice counts once. A receipt is matched to the delivery whose provider message id it names; one
 * arriving before the worker recorded that id stays unmatched until `matchPending` finds it.
 */
export function receiptStore(db: Db, ingestion: Services['ingestion']) {
  const receipts = db.collection<ReceiptDoc>(COLLECTIONS.receipts);
  const deliveries = db.collection(COLLECTIONS.deliveries);
  const suppressions = suppressionStore(db);

  const deliveryOf = (r: Receipt) =>
    deliveries.findOne({ providerMessageId: r.providerMessageId, channel: CHANNEL_OF[r.provider] });

  const matchFields = (delivery: Document, now: string) => ({
    matched: true,
    matchedAt: now,
    foldKey: foldKeyOf(Date.parse(now)),
    deliveryId: String(delivery._id),
    deliveryCreatedAt: delivery.createdAt,
    customerId: delivery.customerId,
    journeyId: delivery.journeyId,
    nodeId: delivery.nodeId,
    enrollmentId: delivery.enrollmentId,
    channel: delivery.channel,
  });

  /** Idempotent: the event is keyed by the receipt, the suppression by (customer, channel, address). */
  const applyEffects = async (doc: ReceiptDoc, delivery: Document) => {
    if (doc.suppress && typeof delivery.to === 'string' && delivery.to) {
      await suppressions.suppress({
        customerId: String(delivery.customerId),
        channel: delivery.channel,
        address: delivery.to,
        kind: doc.suppress,
        reason: doc.reason ?? doc.providerStatus,
        receiptId: doc._id,
        at: doc.at,
      });
    }
    const properties: Record<string, unknown> = {
      channel: delivery.channel,
      journeyId: delivery.journeyId,
      nodeId: delivery.nodeId,
      deliveryId: String(delivery._id),
      provider: doc.provider,
      status: doc.status,
    };
    if (doc.reason) properties.reason = doc.reason;
    if (doc.suppress) properties.suppressed = doc.suppress;
    await ingestion.accept(
      [
        {
          type: 'track',
          userId: String(delivery.customerId),
          event: EVENT_OF[doc.status],
          messageId: `receipt:${doc._id}`,
          timestamp: doc.at,
          properties,
        },
      ],
      false,
    );
  };

  return {
    async record(parsed: (Receipt | null)[]): Promise<ReceiptsAccepted> {
      const result = {
        received: parsed.length,
        recorded: 0,
        duplicates: 0,
        matched: 0,
        unmatched: 0,
        ignored: 0,
      };
      for (const receipt of parsed) {
        if (!receipt) {
          result.ignored++;
          continue;
        }
        const now = new Date().toISOString();
        const delivery = await deliveryOf(receipt);
        const doc: ReceiptDoc = {
          _id: receiptId(receipt),
          ...receipt,
          receivedAt: now,
          ...(delivery ? matchFields(delivery, now) : { matched: false }),
        };
        try {
          await receipts.insertOne(doc);
          result.recorded++;
        } catch (error) {
          if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
          result.duplicates++;
        }
        // Also for a duplicate: the first copy's effects may have been cut short by a crash.
        if (delivery) {
          await applyEffects(doc, delivery);
          result.matched++;
        } else result.unmatched++;
      }
      return result;
    },

    /** Matches receipts that arrived before their delivery recorded its provider message id. */
    async matchPending(nowMs = Date.now()): Promise<number> {
      const since = new Date(nowMs - MATCH_FOR_MS).toISOString();
      const pending = await receipts
        .find({ matched: false, receivedAt: { $gte: since } })
        .limit(MATCH_BATCH)
        .toArray();
      let matched = 0;
      for (const doc of pending) {
        const delivery = await deliveryOf(doc);
        if (!delivery) continue;
        const fields = matchFields(delivery, new Date().toISOString());
        await receipts.updateOne({ _id: doc._id, matched: false }, { $set: fields });
        await applyEffects({ ...doc, ...fields }, delivery);
        matched++;
      }
      return matched;
    },

    /** A customer's receipts, newest first. */
    forCustomer(customerId: string) {
      return receipts.find({ customerId }).sort({ at: -1 }).limit(200).toArray();
    },
  };
}

export type ReceiptStore = ReturnType<typeof receiptStore>;
