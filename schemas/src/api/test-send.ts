import { type Static, Type } from '@sinclair/typebox';

/** Contract of a send node's test send, shared by the engine and the editor. */
export const TestSendRequest = Type.Object(
  {
    nodeId: Type.String({ minLength: 1, maxLength: 200, description: 'The send node whose message is sent' }),
    version: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('draft')], {
        description: 'A published version number, or "draft" (the default)',
      }),
    ),
    customerId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Whose data the message is rendered with',
    }),
    to: Type.String({
      minLength: 3,
      maxLength: 320,
      description: "The tester's email address or phone number (never the customer's)",
    }),
  },
  { additionalProperties: false },
);
export type TestSendRequest = Static<typeof TestSendRequest>;

export const TestSendResult = Type.Object({
  status: Type.Union([Type.Literal('sent'), Type.Literal('failed')]),
  deliveryId: Type.String(),
  channel: Type.String(),
  to: Type.String(),
  detail: Type.String(),
  subject: Type.Optional(Type.String()),
  body: Type.String(),
});
export type TestSendResult = Static<typeof TestSendResult>;
