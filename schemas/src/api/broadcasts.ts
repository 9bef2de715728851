import { type Static, Type } from '@sinclair/typebox';

/** Contracts of the broadcast routes, shared with the editor. */

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM' });

export const BroadcastSchedule = Type.Union([
  Type.Object({ kind: Type.Literal('now') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('at'), at: Type.String({ format: 'date-time' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('local'),
      /** Each customer enters at the first such local time at or after the start. */
      time: HHMM,
      /** The start: defaults to when the broadcast is created. */
      from: Type.Optional(Type.String({ format: 'date-time' })),
      /** For customers whose profile has no valid `timezone`. */
      fallbackTimezone: Type.String({ minLength: 1 }),
    },
    { additionalProperties: false },
  ),
]);
export type BroadcastSchedule = Static<typeof BroadcastSchedule>;

export const BroadcastInput = Type.Object(
  {
    segmentId: Type.String({ minLength: 1 }),
    journeyId: Type.String({ minLength: 1 }),
    schedule: BroadcastSchedule,
    /** At most this many customers enter per minute; unthrottled when absent. */
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    /** This share of the segment is held out: recorded, sent nothing. */
    holdoutPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type BroadcastInput = Static<typeof BroadcastInput>;

export const BroadcastState = Type.Union(
  ['scheduled', 'running', 'paused', 'completed', 'cancelled'].map((s) => Type.Literal(s)),
);

export const BroadcastView = Type.Object({
  id: Type.String(),
  ...BroadcastInput.properties,
  state: BroadcastState,
  createdAt: Type.String(),
  progress: Type.Object({
    /** Customers in the segment when the broadcast started (0 until then). */
    total: Type.Integer(),
    entered: Type.Integer(),
    heldOut: Type.Integer(),
    /** Did not enter: the journey's entry rules refused them. */
    skipped: Type.Integer(),
    remaining: Type.Integer(),
  }),
});
export type BroadcastView = Static<typeof BroadcastView>;
