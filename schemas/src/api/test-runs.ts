import { type Static, Type } from '@sinclair/typebox';

/** Contracts of test runs and saved scenarios, shared by the engine, the editor and the CLI. */

/** "1 day", "36 hours", "90 minutes", "2 weeks", or an ISO 8601 duration such as "P3DT4H". */
export const ScenarioDelay = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern:
    '^(\\s*\\d+(\\.\\d+)?\\s*(seconds?|minutes?|hours?|days?|weeks?)\\s*|P(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?)$',
});

export const ScenarioStep = Type.Object(
  {
    /** Simulated time since the customer entered the journey. */
    after: ScenarioDelay,
    event: Type.String({ minLength: 1, maxLength: 200 }),
    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type ScenarioStep = Static<typeof ScenarioStep>;

/** A made-up customer: traits as `identify` would set them; nothing is stored. */
export const TestProfile = Type.Object(
  { traits: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: false },
);

export const Scenario = Type.Object(
  {
    steps: Type.Array(ScenarioStep, { maxItems: 100 }),
    /** How much simulated time the run may take before it stops a customer still waiting. Default 90 days. */
    horizon: Type.Optional(ScenarioDelay),
    /** Properties of the event that enters the customer (event-triggered journeys). */
    triggerProperties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type Scenario = Static<typeof Scenario>;

const who = {
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  profile: Type.Optional(TestProfile),
};

export const TestRunRequest = Type.Object(
  {
    version: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('draft')])),
    ...who,
    scenario: Scenario,
  },
  { additionalProperties: false },
);
export type TestRunRequest = Static<typeof TestRunRequest>;

const Time = Type.String({ format: 'date-time' });
const Open = <T extends Parameters<typeof Type.Object>[0]>(properties: T) =>
  Type.Object(properties, { additionalProperties: true });

export const TestRunStep = Open({
  nodeId: Type.String(),
  nodeType: Type.String(),
  visit: Type.Integer(),
  at: Time,
  outcome: Type.String(),
  port: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const TestRunMessage = Open({
  nodeId: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  detail: Type.String(),
  at: Time,
  to: Type.Optional(Type.String()),
  subject: Type.Optional(Type.String()),
  body: Type.Optional(Type.String()),
  promoCode: Type.Optional(Type.String()),
});

export const TestRunResult = Open({
  id: Type.String(),
  journeyId: Type.String(),
  version: Type.Union([Type.Integer(), Type.Literal('draft')]),
  customerId: Type.Union([Type.String(), Type.Null()]),
  /** How the run ended: the enrollment's end, or `waiting` when the horizon passed first. */
  status: Type.String(),
  reason: Type.String(),
  /** The simulated clock: when the customer entered and when the run ended. */
  clock: Open({ startedAt: Time, endedAt: Time, elapsedMs: Type.Number() }),
  path: Type.Array(Type.String()),
  timeline: Type.Array(TestRunStep),
  events: Type.Array(Open({ at: Time, event: Type.String(), delivered: Type.Boolean() })),
  messages: Type.Array(TestRunMessage),
});
export type TestRunResult = Static<typeof TestRunResult>;

export const ScenarioExpectation = Type.Union([
  Type.Object(
    { path: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object({ reaches: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
]);

export const SavedScenario = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ...who,
    steps: Type.Array(ScenarioStep, { maxItems: 100 }),
    horizon: Type.Optional(ScenarioDelay),
    triggerProperties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    expect: ScenarioExpectation,
  },
  { additionalProperties: false },
);
export type SavedScenario = Static<typeof SavedScenario>;

export const ScenarioList = Type.Array(SavedScenario, { maxItems: 50 });
export const ScenariosBody = Type.Object({ scenarios: ScenarioList }, { additionalProperties: false });
export const ScenariosResponse = Open({ scenarios: ScenarioList });

/** Why publishing was refused: each broken scenario with the path it expected and the path it took. */
export const ScenarioFailure = Open({
  name: Type.String(),
  expected: Open({ path: Type.Optional(Type.Array(Type.String())), reaches: Type.Optional(Type.String()) }),
  actual: Type.Array(Type.String()),
  diff: Type.Array(Type.String()),
});
export type ScenarioFailure = Static<typeof ScenarioFailure>;
