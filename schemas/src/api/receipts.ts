import { type Static, Type } from '@sinclair/typebox';

/** What a provider receipt says happened to a message. */
export const RECEIPT_STATUSES = [
  'delivered',
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'undelivered',
] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

const Count = Type.Integer({ minimum: 0 });

/** The answer to a provider's receipt webhook. */
export const ReceiptsAccepted = Type.Object({
  received: Count,
  recorded: Count,
  duplicates: Count,
  matched: Count,
  unmatched: Count,
  ignored: Type.Integer({ minimum: 0, description: 'Events that are not receipts (queued, open, ...)' }),
});
export type ReceiptsAccepted = Static<typeof ReceiptsAccepted>;

/** A receipt as shown with a customer's deliveries. */
export const ReceiptRow = Type.Object(
  {
    id: Type.String(),
    provider: Type.String(),
    status: Type.Union(RECEIPT_STATUSES.map((s) => Type.Literal(s))),
    providerStatus: Type.String(),
    reason: Type.Optional(Type.String()),
    at: Type.String({ format: 'date-time' }),
    deliveryId: Type.Optional(Type.String()),
    journeyId: Type.Optional(Type.String()),
    nodeId: Type.Optional(Type.String()),
    channel: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type ReceiptRow = Static<typeof ReceiptRow>;

/** An address a hard bounce or complaint made unreachable on a channel. */
export const SuppressionRow = Type.Object(
  {
    channel: Type.String(),
    address: Type.String(),
    kind: Type.Union([Type.Literal('hard_bounce'), Type.Literal('complaint')]),
    reason: Type.String(),
    receiptId: Type.String(),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: true },
);
export type SuppressionRow = Static<typeof SuppressionRow>;
