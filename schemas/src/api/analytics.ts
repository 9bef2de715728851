import { type Static, type TProperties, Type } from '@sinclair/typebox';

/** Journey analytics: request and response contracts shared by the API and the editor. */
const Open = <T extends TProperties>(properties: T) =>
  Type.Object(properties, { additionalProperties: true });
const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Union([Type.Number(), Type.Null()], {
  description: 'A share in [0, 1]; null when undefined',
});
const Ms = Type.Union([Type.Number(), Type.Null()]);

export const AnalyticsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start (inclusive); default 30 days ago' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive); default now' })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Only enrollments of this version' })),
  },
  { additionalProperties: false },
);
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

export const RevenueSettings = Type.Object(
  {
    event: Type.String({ minLength: 1, maxLength: 200, description: 'Conversion event, e.g. "purchased"' }),
    property: Type.String({
      pattern: '^[A-Za-z0-9_]{1,64}$',
      description: 'Numeric property holding the revenue, e.g. "amount"',
    }),
    windowHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 365, description: 'Attribution window' }),
  },
  { additionalProperties: false },
);
export type RevenueSettings = Static<typeof RevenueSettings>;
export const AnalyticsSettings = Type.Object(
  { revenue: Type.Union([RevenueSettings, Type.Null()]) },
  { additionalProperties: false },
);
export type AnalyticsSettings = Static<typeof AnalyticsSettings>;

export const AnalyticsSummary = Open({
  entered: Count,
  waiting: Count,
  completed: Count,
  converted: Count,
  exited: Count,
  failed: Count,
  conversionRate: Rate,
  medianTimeToConvertMs: Ms,
  recipients: Count,
  purchases: Count,
  revenue: Type.Number(),
  revenuePerRecipient: Ms,
});
export const ExitRow = Open({
  status: Type.String(),
  nodeId: Type.String(),
  reason: Type.String(),
  count: Count,
});
export const NodeRow = Open({
  nodeId: Type.String(),
  passed: Count,
  waiting: Count,
  converted: Count,
  medianTimeMs: Ms,
  meanTimeMs: Ms,
});
export const EdgeRow = Open({ source: Type.String(), port: Type.String(), count: Count, share: Rate });
const sendFigures = {
  sent: Count,
  deferred: Count,
  skipped: Count,
  failed: Count,
  pending: Count,
  uniqueOpens: Count,
  opens: Count,
  uniqueClicks: Count,
  clicks: Count,
  unsubscribed: Count,
  openRate: Rate,
  clickRate: Rate,
  clickToOpenRate: Rate,
  unsubscribeRate: Rate,
  // Provider delivery receipts (Twilio status callbacks, email event webhooks); rates are shares of sent.
  delivered: Count,
  bounced: Count,
  hardBounced: Count,
  softBounced: Count,
  complained: Count,
  undelivered: Count,
  deliveryRate: Rate,
  bounceRate: Rate,
  complaintRate: Rate,
};
export const SendRow = Open({
  nodeId: Type.String(),
  channel: Type.String(),
  ...sendFigures,
  skippedReasons: Type.Record(Type.String(), Count),
});
export const BranchRow = Open({
  splitNodeId: Type.String(),
  port: Type.String(),
  entered: Count,
  converted: Count,
  conversionRate: Rate,
  ...sendFigures,
  purchases: Count,
  revenue: Type.Number(),
  revenuePerRecipient: Ms,
});
export const SeriesRow = Open({
  day: Type.String({ description: 'UTC day, YYYY-MM-DD' }),
  entered: Count,
  converted: Count,
  revenue: Type.Number(),
});
export const RevenueRow = Open({
  nodeId: Type.String(),
  channel: Type.String(),
  purchases: Count,
  revenue: Type.Number(),
});

export const JourneyAnalytics = Open({
  journeyId: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  version: Type.Union([Type.Integer(), Type.Null()]),
  foldedThrough: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Facts recorded before this time are in the figures',
  }),
  summary: AnalyticsSummary,
  exits: Type.Array(ExitRow),
  nodes: Type.Array(NodeRow),
  edges: Type.Array(EdgeRow),
  sends: Type.Array(SendRow),
  branches: Type.Array(BranchRow),
  revenue: Type.Array(RevenueRow),
  series: Type.Array(SeriesRow),
});
export type JourneyAnalytics = Static<typeof JourneyAnalytics>;

/** Tables of the report that can be downloaded as CSV. */
export const ANALYTICS_TABLES = [
  'exits',
  'nodes',
  'edges',
  'sends',
  'branches',
  'revenue',
  'series',
] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];
