import { type Static, Type } from '@sinclair/typebox';
import { PropertyFilter } from '../filters.ts';

/** Contracts of the computed-attribute routes, shared with the editor. */

export const COMPUTED_NAME_PATTERN = '^[a-z][a-z0-9_]{0,63}$';

export const ComputedKind = Type.Union(
  [
    Type.Literal('count'),
    Type.Literal('sum'),
    Type.Literal('min'),
    Type.Literal('max'),
    Type.Literal('avg'),
    Type.Literal('first_at'),
    Type.Literal('last_at'),
    Type.Literal('most_frequent'),
  ],
  { title: 'Kind' },
);
export type ComputedKind = Static<typeof ComputedKind>;

/** Kinds that read a property of the event; the others need none. */
export const KINDS_WITH_PROPERTY: readonly ComputedKind[] = ['sum', 'min', 'max', 'avg', 'most_frequent'];

export const ComputedAttributeInput = Type.Object(
  {
    kind: ComputedKind,
    event: Type.String({ minLength: 1, maxLength: 200, title: 'Event name', 'x-widget': 'event-name' }),
    property: Type.Optional(Type.String({ minLength: 1, maxLength: 200, title: 'Event property' })),
    where: Type.Optional(PropertyFilter),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ComputedAttributeInput = Static<typeof ComputedAttributeInput>;

export const ComputedBackfill = Type.Object({
  status: Type.Union([Type.Literal('computing'), Type.Literal('done'), Type.Literal('failed')]),
  processed: Type.Integer(),
  total: Type.Integer(),
  updatedAt: Type.String(),
});
export type ComputedBackfill = Static<typeof ComputedBackfill>;

export const ComputedAttributeView = Type.Object({
  name: Type.String(),
  ...ComputedAttributeInput.properties,
  revision: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  backfill: Type.Union([ComputedBackfill, Type.Null()]),
});
export type ComputedAttributeView = Static<typeof ComputedAttributeView>;

/** A customer's computed values by attribute name. */
export const ComputedValues = Type.Record(Type.String(), Type.Unknown());
export type ComputedValues = Static<typeof ComputedValues>;
