import { type Static, Type } from '@sinclair/typebox';

/** Contracts of the experiment and holdout results routes, shared with the editor. */

export const PrimaryMetric = Type.Union(
  [Type.Literal('conversion'), Type.Literal('click'), Type.Literal('revenue')],
  { title: 'Primary metric', default: 'conversion' },
);
export type PrimaryMetric = Static<typeof PrimaryMetric>;

const Interval = Type.Object({ low: Type.Number(), high: Type.Number() });
const Estimate = Type.Object({ estimate: Type.Number(), low: Type.Number(), high: Type.Number() });

export const ArmResult = Type.Object(
  {
    id: Type.String(),
    label: Type.String(),
    isControl: Type.Boolean(),
    entered: Type.Integer(),
    converted: Type.Integer(),
    clicked: Type.Integer(),
    revenue: Type.Number(),
    /** The primary metric: a rate (conversion, click) or revenue per customer. */
    value: Type.Number(),
    /** 95% Wilson score interval of a rate (it always contains the observed rate), or the normal interval of a mean. */
    interval: Interval,
    /** Null for the control arm. */
    versusControl: Type.Union([
      Type.Object({
        /** Posterior probability that this arm's metric is higher than the control's. */
        probabilityToBeat: Type.Number(),
        /** Always-valid (mSPRT) p-value: may be read after every look. */
        pValue: Type.Number(),
        /** Absolute difference with its 95% interval. */
        difference: Estimate,
        /** Relative lift (ratio - 1) with its 95% interval; null while it is undefined. */
        lift: Type.Union([Estimate, Type.Null()]),
      }),
      Type.Null(),
    ]),
  },
  { additionalProperties: true },
);
export type ArmResult = Static<typeof ArmResult>;

export const ExperimentAnalysis = Type.Object(
  {
    metric: PrimaryMetric,
    minSample: Type.Integer(),
    /** The arm named the winner, or null while the data cannot name one yet. */
    winner: Type.Union([Type.String(), Type.Null()]),
    /** A sentence saying why there is (or is not yet) a winner. */
    decision: Type.String(),
    arms: Type.Array(ArmResult),
  },
  { additionalProperties: true },
);
export type ExperimentAnalysis = Static<typeof ExperimentAnalysis>;

export const ExperimentResults = Type.Composite(
  [
    ExperimentAnalysis,
    Type.Object({
      journeyId: Type.String(),
      nodeId: Type.String(),
    }),
  ],
  { additionalProperties: true },
);
export type ExperimentResults = Static<typeof ExperimentResults>;

export const HoldoutResults = Type.Composite(
  [
    ExperimentAnalysis,
    Type.Object({
      journeyId: Type.String(),
      holdoutPercent: Type.Number(),
      /** Entrants excluded by the workspace's global control group (counted with the holdout). */
      globalControl: Type.Integer(),
    }),
  ],
  { additionalProperties: true },
);
export type HoldoutResults = Static<typeof HoldoutResults>;

export const PromoteBody = Type.Object(
  {
    branchId: Type.String({ minLength: 1, maxLength: 64 }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type PromoteBody = Static<typeof PromoteBody>;

export const GlobalControlSettings = Type.Object(
  {
    /** Share of all customers (stable by customer id) kept out of every non-transactional journey. */
    percent: Type.Number({ minimum: 0, maximum: 50 }),
  },
  { additionalProperties: false },
);
export type GlobalControlSettings = Static<typeof GlobalControlSettings>;

export const GlobalControlView = Type.Object(
  {
    percent: Type.Number(),
    /** Enrollments held out by the global control group so far. */
    heldOutEnrollments: Type.Integer(),
    /** Distinct customers those enrollments belong to. */
    customers: Type.Integer(),
  },
  { additionalProperties: true },
);
export type GlobalControlView = Static<typeof GlobalControlView>;
