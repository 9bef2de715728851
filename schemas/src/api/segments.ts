import { type Static, type TProperties, Type } from '@sinclair/typebox';
import type { SegmentRule } from '../segments.ts';

/** Request and response contracts of the segments API, shared by the engine and the editor. */
const Open = <T extends TProperties>(properties: T) =>
  Type.Object(properties, { additionalProperties: true });
const Time = Type.String({ format: 'date-time' });
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,99}$' });

/**
 * A rule tree (see {@link SegmentRule}). The API checks it with `segmentRuleProblem`, whose errors name the
 * rule's path (`rules.all[2].value`), rather than by the recursive schema, whose errors could not.
 */
export const RuleTree = Type.Unsafe<SegmentRule>({
  type: 'object',
  description:
    'Rule tree: { all: [rules] }, { any: [rules] }, { not: rule } or a leaf rule with "kind" (attribute, attributeDate, anniversary, performed, notPerformed, performedAt, aggregate, subscribed, reachable, inSegment, bucket, computed, computedDate)',
});

export const SegmentKind = Type.Union([Type.Literal('rules'), Type.Literal('manual')]);
export const SegmentStatus = Type.Union([Type.Literal('computing'), Type.Literal('ready')]);

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2_000 })),
};
/** `rules` is required for a `rules` segment and refused for a `manual` one (members come via the API). */
export const SegmentBody = Type.Object(
  {
    id: Type.Optional(Slug),
    kind: Type.Optional(SegmentKind),
    ...editable,
    rules: Type.Optional(RuleTree),
  },
  { additionalProperties: false },
);
export type SegmentBody = Static<typeof SegmentBody>;
export const SegmentPatch = Type.Partial(
  Type.Object({ ...editable, rules: RuleTree }, { additionalProperties: false }),
);
export type SegmentPatch = Static<typeof SegmentPatch>;

export const SegmentView = Open({
  id: Type.String(),
  kind: SegmentKind,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  rules: Type.Optional(RuleTree),
  status: SegmentStatus,
  /** Customers evaluated by the running backfill, out of `total`. */
  progress: Open({ processed: Type.Integer(), total: Type.Integer() }),
  createdAt: Time,
  updatedAt: Time,
});
export type SegmentView = Static<typeof SegmentView>;

export const DryRunBody = Type.Object(
  { rules: RuleTree, sample: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 10 })) },
  { additionalProperties: false },
);
export type DryRunBody = Static<typeof DryRunBody>;
export const DryRunResult = Open({
  /** Matching customers among those evaluated. */
  count: Type.Integer(),
  /** Customers the store query could not rule out, each evaluated in full. */
  evaluated: Type.Integer(),
  sample: Type.Array(Type.String()),
});
export type DryRunResult = Static<typeof DryRunResult>;

export const SegmentMember = Open({ customerId: Type.String(), enteredAt: Time });
export type SegmentMember = Static<typeof SegmentMember>;
export const MembersPage = Open({
  members: Type.Array(SegmentMember),
  /** Pass as `after` for the next page; absent on the last page. */
  next: Type.Optional(Type.String()),
});
export type MembersPage = Static<typeof MembersPage>;
export const MembersQuery = Type.Object({
  after: Type.Optional(Type.String({ maxLength: 400 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export const ManualMembersBody = Type.Object(
  {
    add: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
    remove: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type ManualMembersBody = Static<typeof ManualMembersBody>;

export const SegmentChange = Open({
  segmentId: Type.String(),
  customerId: Type.String(),
  kind: Type.Union([Type.Literal('entered'), Type.Literal('exited')]),
  at: Time,
  reason: Type.String(),
});
export type SegmentChange = Static<typeof SegmentChange>;
export const CustomerSegments = Open({
  segments: Type.Array(Open({ segmentId: Type.String(), name: Type.String(), enteredAt: Time })),
  /** Entered / left, newest first: the customer's segment timeline. */
  changes: Type.Array(SegmentChange),
});
export type CustomerSegments = Static<typeof CustomerSegments>;
