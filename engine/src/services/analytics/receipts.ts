import { COLLECTIONS, type ReceiptStatus } from '@itinera/schemas';
import type { Db, Document } from 'mongodb';
import type { Row } from './rows.ts';
import { type FactSource, lookUpEach } from './sources.ts';

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/**
 * The receipt statuses of each delivery (by delivery id), joined on the provider message id the worker
 * stored, so a receipt that arrived before its delivery was recorded still counts once both exist.
 */
export async function receiptsOfDeliveries(db: Db, deliveries: Document[]) {
  const byMessageId = new Map<string, string>();
  for (const d of deliveries)
    if (typeof d.providerMessageId === 'string') byMessageId.set(d.providerMessageId, String(d._id));
  const statuses = new Map<string, Set<ReceiptStatus>>();
  const receipts = db.collection(COLLECTIONS.receipts);
  const projection = { providerMessageId: 1, status: 1 };
  const docs = await lookUpEach([...byMessageId.keys()], (providerMessageId) =>
    receipts.find({ providerMessageId }, { projection }).toArray(),
  );
  for (const r of docs) {
    const deliveryId = byMessageId.get(r.providerMessageId)!;
    if (!statuses.has(deliveryId)) statuses.set(deliveryId, new Set());
    statuses.get(deliveryId)!.add(r.status);
  }
  return (deliveryId: string): ReceiptStatus[] => [...(statuses.get(deliveryId) ?? [])];
}

/** Buckets holding a delivery whose receipt was matched since `since` (the fold's scan). */
export async function markReceipts(
  source: FactSource,
  since: string,
  mark: (journeyId: unknown, at: unknown) => void,
) {
  const docs = source(
    COLLECTIONS.receipts,
    { matchedAt: { $gte: since } },
    { journeyId: 1, deliveryCreatedAt: 1, matchedAt: 1 },
  );
  for await (const r of docs) if (typeof r.matchedAt === 'string') mark(r.journeyId, r.deliveryCreatedAt);
}

/** Receipt figures from `receipt` rows (one per delivery and status) of one node, channel or variant. */
export function receiptFigures(rows: Row[], sent: number) {
  const count = (...statuses: ReceiptStatus[]) =>
    rows.reduce(
      (n, r) => n + (r.k === 'receipt' && statuses.includes(r.p as ReceiptStatus) ? r.count : 0),
      0,
    );
  const delivered = count('delivered');
  const hardBounced = count('hard_bounce');
  const softBounced = count('soft_bounce');
  const complained = count('complaint');
  return {
    delivered,
    hardBounced,
    softBounced,
    bounced: hardBounced + softBounced,
    complained,
    undelivered: count('undelivered'),
    deliveryRate: rate(delivered, sent),
    bounceRate: rate(hardBounced + softBounced, sent),
    complaintRate: rate(complained, sent),
  };
}
