import { type Static, type TSchema, Type } from '@sinclair/typebox';

/**
 * Contracts of version migrations (moving waiting customers from one version of a journey to another),
 * shared by the engine routes and the editor's migration dialog.
 */
const open = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: true });
const orNull = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

/** From-version node id to to-version node id; null keeps customers at that node on the version they entered. */
export const MigrationMapping = Type.Record(
  Type.String(),
  orNull(Type.String({ minLength: 1, maxLength: 64 })),
  {
    maxProperties: 2000,
  },
);
export type MigrationMapping = Static<typeof MigrationMapping>;

export const MigrationRequest = Type.Object(
  {
    fromVersion: Type.Integer({ minimum: 1 }),
    toVersion: Type.Integer({ minimum: 1 }),
    /** Merged over the suggestions (same id and type); a null entry removes a suggestion. */
    mapping: Type.Optional(MigrationMapping),
    /** Preview who would move where, without moving anyone. */
    dryRun: Type.Optional(Type.Boolean()),
    /** Ask at most this many customers a minute to move (spares the workers a burst); unthrottled when absent. */
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type MigrationRequest = Static<typeof MigrationRequest>;

/** What a group of customers meets next on the new version: the next message and when it can go. */
export const NextSend = open({
  nodeId: Type.String(),
  channel: orNull(Type.String()),
  label: orNull(Type.String()),
  /** The waits before it, in words ("at once" when none). */
  after: Type.String(),
  /** Known when every wait before it is a fixed duration or a kept deadline. */
  earliestAt: orNull(Time),
  latestAt: orNull(Time),
});
export type NextSend = Static<typeof NextSend>;

/** The customers waiting at one from-version node and where they land. */
export const MigrationGroup = open({
  fromNodeId: Type.String(),
  fromNodeType: Type.String(),
  customers: Type.Integer(),
  toNodeId: orNull(Type.String()),
  toNodeType: orNull(Type.String()),
  /** True when the target came from the suggestions rather than the request. */
  suggested: Type.Boolean(),
  /** A plain wait moved onto a node of the same type keeps each customer's deadline. */
  keepsDeadline: Type.Boolean(),
  wakeAt: orNull(open({ earliest: Time, latest: Time })),
  next: orNull(NextSend),
  /** Why these customers stay on the from-version (null when they move). */
  stayReason: orNull(Type.String()),
});
export type MigrationGroup = Static<typeof MigrationGroup>;

/** Which journey and versions a preview or a migration is about. */
const versionPair = { journeyId: Type.String(), fromVersion: Type.Integer(), toVersion: Type.Integer() };

export const MigrationPreview = open({
  ...versionPair,
  /** Suggested targets: nodes with the same id and type in both versions. */
  suggestions: MigrationMapping,
  /** The mapping that applies: the suggestions with the request's entries over them. */
  mapping: MigrationMapping,
  total: Type.Integer(),
  moving: Type.Integer(),
  staying: Type.Integer(),
  groups: Type.Array(MigrationGroup),
});
export type MigrationPreview = Static<typeof MigrationPreview>;

export const MigrationMove = open({
  enrollmentId: Type.String(),
  customerId: Type.String(),
  fromNodeId: Type.String(),
  /** Null for a customer the driver found at an unmapped node (outcome `skipped`). */
  plannedToNodeId: orNull(Type.String()),
  /**
   * Null while the enrollment has not answered yet; `ended` when it ended before answering; `skipped` when it
   * waited at an unmapped node; `failed` when it was active but had no running workflow to ask.
   */
  outcome: orNull(
    Type.Union([
      Type.Literal('moved'),
      Type.Literal('refused'),
      Type.Literal('ended'),
      Type.Literal('skipped'),
      Type.Literal('failed'),
    ]),
  ),
  toNodeId: orNull(Type.String()),
  reason: orNull(Type.String()),
  keptWakeAt: orNull(Time),
});
export type MigrationMove = Static<typeof MigrationMove>;

export const MigrationStatus = open({
  id: Type.String(),
  ...versionPair,
  mapping: MigrationMapping,
  createdAt: Time,
  /** The background driver's state: it pages through the waiting customers until none remain or it is cancelled. */
  state: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('cancelled')]),
  ratePerMinute: orNull(Type.Integer()),
  counts: open({
    /** Customers the preview at the start said would move. */
    planned: Type.Integer(),
    /** Moves claimed by the driver (each asked once). */
    claimed: Type.Integer(),
    moved: Type.Integer(),
    refused: Type.Integer(),
    ended: Type.Integer(),
    skipped: Type.Integer(),
    failed: Type.Integer(),
    /** Claimed and not answered yet. */
    pending: Type.Integer(),
    /** Planned and not reached by the driver yet (0 once it completed). */
    remaining: Type.Integer(),
  }),
  moves: Type.Array(MigrationMove),
});
export type MigrationStatus = Static<typeof MigrationStatus>;

export const MigrationRun = open({
  dryRun: Type.Boolean(),
  /** The same journey, versions and mapping always give this id; a dry run tells it too. */
  migrationId: Type.String(),
  preview: MigrationPreview,
  /** Null on a dry run; otherwise the migration as the background driver starts it (poll its GET for progress). */
  migration: orNull(MigrationStatus),
});
export type MigrationRun = Static<typeof MigrationRun>;
