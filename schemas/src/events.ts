import { type Static, Type } from '@sinclair/typebox';

const identity = {
  userId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  anonymousId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  timestamp: Type.Optional(Type.String({ format: 'date-time' })),
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

export const TrackCall = Type.Object({
  type: Type.Optional(Type.Literal('track')),
  event: Type.String({ minLength: 1, maxLength: 200 }),
  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  ...identity,
});
export type TrackCall = Static<typeof TrackCall>;

export const IdentifyCall = Type.Object({
  type: Type.Optional(Type.Literal('identify')),
  traits: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  ...identity,
});
export type IdentifyCall = Static<typeof IdentifyCall>;

export const BatchCall = Type.Object({
  batch: Type.Array(
    Type.Union([
      Type.Object({ ...TrackCall.properties, type: Type.Literal('track') }),
      Type.Object({ ...IdentifyCall.properties, type: Type.Literal('identify') }),
    ]),
    { minItems: 1, maxItems: 500 },
  ),
});
export type BatchCall = Static<typeof BatchCall>;

/** An accepted event as stored and as delivered to enrollments. */
export interface CustomerEvent {
  messageId: string;
  customerId: string;
  event: string;
  properties: Record<string, unknown>;
  timestamp: string;
  receivedAt: string;
}

export interface Profile {
  customerId: string;
  traits: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
