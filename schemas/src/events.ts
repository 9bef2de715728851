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

const pageFields = {
  name: Type.Optional(Type.String({ maxLength: 200 })),
  category: Type.Optional(Type.String({ maxLength: 200 })),
  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  ...identity,
};

/** Stored as the event `page`, with `name` and `category` added to its properties. */
export const PageCall = Type.Object({ type: Type.Optional(Type.Literal('page')), ...pageFields });
export type PageCall = Static<typeof PageCall>;

/** Stored as the event `screen`, with `name` and `category` added to its properties. */
export const ScreenCall = Type.Object({ type: Type.Optional(Type.Literal('screen')), ...pageFields });
export type ScreenCall = Static<typeof ScreenCall>;

/** Sets the profile trait `group` to `{ id: groupId, ...traits }`. */
export const GroupCall = Type.Object({
  type: Type.Optional(Type.Literal('group')),
  groupId: Type.String({ minLength: 1, maxLength: 200 }),
  traits: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  ...identity,
});
export type GroupCall = Static<typeof GroupCall>;

/** Merges `previousId` (usually an anonymous id) into `userId`, keeping its events and traits. */
export const AliasCall = Type.Object({
  type: Type.Optional(Type.Literal('alias')),
  ...identity,
  previousId: Type.String({ minLength: 1, maxLength: 200 }),
  userId: Type.String({ minLength: 1, maxLength: 200 }),
});
export type AliasCall = Static<typeof AliasCall>;

const typed = <T extends { properties: { type: unknown } }>(call: T, type: string) =>
  Type.Object({ ...call.properties, type: Type.Literal(type) });

export const BatchCall = Type.Object({
  batch: Type.Array(
    Type.Union([
      typed(TrackCall, 'track'),
      typed(IdentifyCall, 'identify'),
      typed(PageCall, 'page'),
      typed(ScreenCall, 'screen'),
      typed(GroupCall, 'group'),
      typed(AliasCall, 'alias'),
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
  /** The call's `context` (library, device, campaign), when it had one. */
  context?: Record<string, unknown>;
  /** The anonymous id the call also carried, kept after it was merged into a known customer. */
  anonymousId?: string;
  timestamp: string;
  receivedAt: string;
}

export interface Profile {
  customerId: string;
  traits: Record<string, unknown>;
  /** Computed attributes by name (absent in histories recorded before them). */
  computed?: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
