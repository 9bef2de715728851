import { type Static, Type } from '@sinclair/typebox';

/** Contracts of the workspace settings routes (delivery, templates, promo pools), shared with the editor. */

export const MessageChannel = Type.Union([
  Type.Literal('email'),
  Type.Literal('sms'),
  Type.Literal('push'),
  Type.Literal('webhook'),
]);
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

export const DeliverySettings = Type.Object(
  {
    quietHours: Type.Union([
      Type.Object({ start: HHMM, end: HHMM }, { additionalProperties: false }),
      Type.Null(),
    ]),
    frequencyCaps: Type.Array(
      Type.Object(
        {
          channel: MessageChannel,
          max: Type.Integer({ minimum: 1 }),
          windowHours: Type.Number({ minimum: 0.01, maximum: 24 * 31 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export type DeliverySettings = Static<typeof DeliverySettings>;

export const TemplateView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    channel: MessageChannel,
    subject: Type.Optional(Type.String()),
    body: Type.String(),
    text: Type.Optional(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: true },
);
export type TemplateView = Static<typeof TemplateView>;

export const RenderedMessage = Type.Object({
  subject: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
  text: Type.Union([Type.String(), Type.Null()]),
});
export type RenderedMessage = Static<typeof RenderedMessage>;

export const PromoPoolView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('list'), Type.Literal('pattern')]),
    createdAt: Type.String({ format: 'date-time' }),
    total: Type.Union([Type.Integer(), Type.Null()]),
    assigned: Type.Integer(),
    remaining: Type.Union([Type.Integer(), Type.Null()]),
    exhaustedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);
export type PromoPoolView = Static<typeof PromoPoolView>;

/** A customer's consent: absent channels and topics are subscribed; `false` is an opt-out. */
export const CustomerSubscriptions = Type.Object(
  {
    channels: Type.Partial(
      Type.Object({ email: Type.Boolean(), sms: Type.Boolean(), push: Type.Boolean() }),
      { additionalProperties: false },
    ),
    topics: Type.Record(Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }), Type.Boolean(), {
      additionalProperties: false,
      maxProperties: 200,
    }),
  },
  { additionalProperties: false },
);
export type CustomerSubscriptions = Static<typeof CustomerSubscriptions>;
