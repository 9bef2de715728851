import { type Static, type TProperties, Type } from '@sinclair/typebox';
import { CanvasNotes, JourneyGraph, JourneySettings, JourneyStatus } from '../graph.ts';
import { RoleSchema } from './keys.ts';

/**
 * Response contracts of the API, shared by the engine (OpenAPI, contract tests) and the editor (types).
 * Objects stay open: a server may add fields before a client knows them.
 */
const Open = <T extends TProperties>(properties: T) =>
  Type.Object(properties, { additionalProperties: true });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const Json = Type.Record(Type.String(), Type.Unknown());

export const Me = Open({ role: RoleSchema, name: Type.String() });
export type Me = Static<typeof Me>;

const counts = {
  entered: Type.Integer(),
  active: Type.Integer(),
  completed: Type.Integer(),
  converted: Type.Integer(),
  exited: Type.Integer(),
  failed: Type.Integer(),
};
export const JourneyCounts = Open(counts);
export type JourneyCounts = Static<typeof JourneyCounts>;
export const JourneyStatsResponse = Open({
  ...counts,
  nodes: Type.Record(Type.String(), Open({ active: Type.Integer(), passed: Type.Integer() })),
  asOf: Type.Optional(Time),
});

const journeyFields = {
  id: Type.String(),
  name: Type.String(),
  status: JourneyStatus,
  liveVersion: Nullable(Type.Integer()),
  latestVersion: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
};
export const JourneySummary = Open({ ...journeyFields, stats: Type.Optional(JourneyCounts) });
export type JourneySummary = Static<typeof JourneySummary>;
export const JourneyDetail = Open({
  ...journeyFields,
  graph: JourneyGraph,
  settings: JourneySettings,
  notes: Type.Optional(CanvasNotes),
});
export type JourneyDetail = Static<typeof JourneyDetail>;

const versionFields = {
  journeyId: Type.String(),
  version: Type.Integer(),
  note: Type.String(),
  publishedAt: Time,
};
export const VersionSummary = Open(versionFields);
export type VersionSummary = Static<typeof VersionSummary>;
export const VersionDetail = Open({
  ...versionFields,
  name: Type.String(),
  graph: JourneyGraph,
  settings: JourneySettings,
  notes: Type.Optional(CanvasNotes),
});
export type VersionDetail = Static<typeof VersionDetail>;

export const NodeTypeInfo = Open({
  type: Type.String(),
  title: Type.String(),
  category: Type.String(),
  description: Type.String(),
  icon: Type.String(),
  role: Type.Optional(Type.Union([Type.Literal('trigger'), Type.Literal('goal'), Type.Literal('step')])),
  canWait: Type.Optional(Type.Boolean()),
  configSchema: Json,
  defaultConfig: Json,
  ports: Type.Array(Open({ id: Type.String(), label: Type.String() })),
  dynamicPorts: Type.Optional(Type.Boolean()),
});
export type NodeTypeInfo = Static<typeof NodeTypeInfo>;

export const CustomerSummary = Open({
  customerId: Type.String(),
  traits: Json,
  updatedAt: Time,
  createdAt: Type.Optional(Time),
  /** Computed attributes by name; on the single-customer answer only. */
  computed: Type.Optional(Json),
});
export type CustomerSummary = Static<typeof CustomerSummary>;

export const CustomerEventRow = Open({
  messageId: Type.String(),
  event: Type.String(),
  properties: Json,
  timestamp: Time,
});
export type CustomerEventRow = Static<typeof CustomerEventRow>;

const EnrollmentStatus = Type.Union(
  ['active', 'completed', 'converted', 'exited', 'failed'].map((s) => Type.Literal(s)),
);
export const EnrollmentRow = Open({
  id: Type.String(),
  journeyId: Type.String(),
  journeyName: Type.Optional(Type.String()),
  version: Type.Integer(),
  customerId: Type.String(),
  entryNumber: Type.Integer(),
  status: EnrollmentStatus,
  currentNodeId: Nullable(Type.String()),
  nextWakeAt: Nullable(Type.String()),
  waitingFor: Nullable(Type.String()),
  enteredAt: Time,
  endedAt: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
  triggerMessageId: Nullable(Type.String()),
});
export type EnrollmentRow = Static<typeof EnrollmentRow>;

export const TimelineRow = Open({
  nodeId: Type.String(),
  nodeType: Type.String(),
  visit: Type.Integer(),
  at: Time,
  outcome: Type.String(),
  port: Nullable(Type.String()),
  reason: Type.String(),
  data: Type.Optional(Json),
});
export type TimelineRow = Static<typeof TimelineRow>;

export const EnrollmentDetail = Open({
  enrollment: EnrollmentRow,
  timeline: Type.Array(TimelineRow),
  graph: JourneyGraph,
});
export type EnrollmentDetail = Static<typeof EnrollmentDetail>;

export const MessageRow = Open({
  id: Type.String(),
  channel: Type.String(),
  to: Type.String(),
  subject: Type.Optional(Type.String()),
  body: Type.String(),
  journeyId: Type.String(),
  nodeId: Type.String(),
  sentAt: Time,
});
export type MessageRow = Static<typeof MessageRow>;

/** Answers whose shape is documented loosely (records of the store, results of actions). */
export const AnyObject = Open({});
export const Accepted = Open({ accepted: Type.Boolean() });

export const IngestResult = Open({
  success: Type.Boolean(),
  accepted: Type.Integer({ description: 'Calls stored (new or re-routed)' }),
  duplicates: Type.Integer({ description: 'Calls whose messageId was already stored' }),
});
