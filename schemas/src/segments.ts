import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PropertyFilter } from './filters.ts';
import { schemaProblem } from './segment-errors.ts';

const lit = <T extends string>(...values: T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const name = (title: string) => Type.String({ minLength: 1, maxLength: 200, title });
const days = (title: string) => Type.Integer({ minimum: 1, maximum: 3650, title });
const where = Type.Optional(PropertyFilter);
const strict = { additionalProperties: false } as const;

/** A profile trait compared with a value; numbers compare as numbers, ISO 8601 dates as text. */
export const AttributeRule = Type.Object(
  {
    kind: Type.Literal('attribute'),
    trait: name('Trait (dotted path)'),
    op: lit('eq', 'ne', 'in', 'contains', 'startsWith', 'exists', 'notExists', 'gt', 'gte', 'lt', 'lte'),
    value: Type.Optional(Type.Unknown()),
  },
  strict,
);
/** A computed attribute (`computed.<name>`) compared with a value, as an attribute rule compares a trait. */
export const ComputedRule = Type.Object(
  {
    kind: Type.Literal('computed'),
    attribute: name('Computed attribute'),
    op: AttributeRule.properties.op,
    value: Type.Optional(Type.Unknown()),
  },
  strict,
);
/** A date-valued computed attribute (`last_at`, `first_at`) relative to now. */
export const ComputedDateRule = Type.Object(
  {
    kind: Type.Literal('computedDate'),
    attribute: name('Computed attribute'),
    relation: lit('moreThanDaysAgo', 'withinLastDays'),
    days: days('Days'),
  },
  strict,
);
/** A date trait relative to now: "signed up more than 14 days ago" / "within the last 7 days". */
export const AttributeDateRule = Type.Object(
  {
    kind: Type.Literal('attributeDate'),
    trait: name('Date trait'),
    relation: lit('moreThanDaysAgo', 'withinLastDays'),
    days: days('Days'),
  },
  strict,
);
/** The day and month of a date trait fall within the next N days, in the customer's timezone. */
export const AnniversaryRule = Type.Object(
  {
    kind: Type.Literal('anniversary'),
    trait: name('Date trait'),
    withinNextDays: Type.Integer({ minimum: 0, maximum: 366 }),
  },
  strict,
);
/** Performed the event (matching `where`) at least / at most / exactly N times, ever or in the last D days. */
export const PerformedRule = Type.Object(
  {
    kind: Type.Literal('performed'),
    event: name('Event'),
    where,
    count: Type.Optional(
      Type.Object({ op: lit('atLeast', 'atMost', 'exactly'), n: Type.Integer({ minimum: 0 }) }, strict),
    ),
    withinDays: Type.Optional(days('Within the last days')),
  },
  strict,
);
/** Did not perform the event (matching `where`) within the last D days. */
export const NotPerformedRule = Type.Object(
  { kind: Type.Literal('notPerformed'), event: name('Event'), where, withinDays: days('Days') },
  strict,
);
/** The first or last time the event was performed is before/after an absolute time or N days ago. */
export const PerformedAtRule = Type.Object(
  {
    kind: Type.Literal('performedAt'),
    event: name('Event'),
    where,
    which: lit('first', 'last'),
    op: lit('before', 'after'),
    at: Type.Optional(Type.String({ format: 'date-time' })),
    daysAgo: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
  },
  strict,
);
/** sum / avg / min / max / count of a numeric property of the event, ever or within D days, compared. */
export const AggregateRule = Type.Object(
  {
    kind: Type.Literal('aggregate'),
    event: name('Event'),
    where,
    fn: lit('sum', 'avg', 'min', 'max', 'count'),
    property: Type.Optional(name('Property')),
    withinDays: Type.Optional(days('Within the last days')),
    op: lit('eq', 'gt', 'gte', 'lt', 'lte'),
    value: Type.Number(),
  },
  strict,
);
export const SubscribedRule = Type.Object({ kind: Type.Literal('subscribed'), topic: name('Topic') }, strict);
/** Has the trait (`email` / `phone`) and has not unsubscribed from the channel. */
export const ReachableRule = Type.Object(
  { kind: Type.Literal('reachable'), channel: lit('email', 'sms') },
  strict,
);
export const InSegmentRule = Type.Object(
  { kind: Type.Literal('inSegment'), segment: name('Segment id') },
  strict,
);
/** A stable bucket 0-99 from a hash of the customer id and the seed (the segment id by default). */
export const BucketRule = Type.Object(
  {
    kind: Type.Literal('bucket'),
    from: Type.Integer({ minimum: 0, maximum: 99 }),
    to: Type.Integer({ minimum: 0, maximum: 99 }),
    seed: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);

export const LEAF_RULES = {
  attribute: AttributeRule,
  attributeDate: AttributeDateRule,
  anniversary: AnniversaryRule,
  performed: PerformedRule,
  notPerformed: NotPerformedRule,
  performedAt: PerformedAtRule,
  aggregate: AggregateRule,
  subscribed: SubscribedRule,
  reachable: ReachableRule,
  inSegment: InSegmentRule,
  bucket: BucketRule,
  computed: ComputedRule,
  computedDate: ComputedDateRule,
} as const;
export type LeafKind = keyof typeof LEAF_RULES;
export type LeafRule = { [K in LeafKind]: Static<(typeof LEAF_RULES)[K]> }[LeafKind];

/** A rule tree: `{ all: [...] }`, `{ any: [...] }`, `{ not: rule }` or a leaf rule, nested. */
export const SegmentRule = Type.Recursive(
  (self) =>
    Type.Union([
      Type.Object({ all: Type.Array(self, { minItems: 1, maxItems: 50 }) }, strict),
      Type.Object({ any: Type.Array(self, { minItems: 1, maxItems: 50 }) }, strict),
      Type.Object({ not: self }, strict),
      ...Object.values(LEAF_RULES),
    ]),
  { $id: 'SegmentRule' },
);
export type SegmentRule = { all: SegmentRule[] } | { any: SegmentRule[] } | { not: SegmentRule } | LeafRule;

export interface RuleProblem {
  path: string;
  message: string;
}

const MAX_DEPTH = 10;
const NEEDS_NO_VALUE = new Set(['exists', 'notExists']);

/** Problems a schema cannot say: value shapes that depend on the operator. */
function leafProblem(rule: LeafRule): { at: string; message: string } | null {
  if (rule.kind === 'attribute' || rule.kind === 'computed') {
    if (NEEDS_NO_VALUE.has(rule.op)) return null;
    if (rule.value === undefined) return { at: 'value', message: `is required for "${rule.op}"` };
    if (rule.op === 'in' && !Array.isArray(rule.value)) return { at: 'value', message: 'must be an array' };
    if (['gt', 'gte', 'lt', 'lte'].includes(rule.op) && !['number', 'string'].includes(typeof rule.value))
      return { at: 'value', message: 'must be a number or an ISO 8601 date' };
    if (['contains', 'startsWith'].includes(rule.op) && typeof rule.value !== 'string')
      return { at: 'value', message: 'must be a string' };
  }
  if (rule.kind === 'performedAt' && (rule.at === undefined) === (rule.daysAgo === undefined))
    return { at: 'at', message: 'give exactly one of "at" and "daysAgo"' };
  if (rule.kind === 'aggregate' && rule.fn !== 'count' && !rule.property)
    return { at: 'property', message: `is required for "${rule.fn}"` };
  if (rule.kind === 'bucket' && rule.from > rule.to) return { at: 'to', message: 'must be at least "from"' };
  return null;
}

/** The first problem of a rule tree, naming its path (`rules.all[2].value`), or null when it is valid. */
export function segmentRuleProblem(rule: unknown, path = 'rules', depth = 0): RuleProblem | null {
  if (depth > MAX_DEPTH) return { path, message: `is nested deeper than ${MAX_DEPTH} levels` };
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule))
    return { path, message: 'must be an object: a leaf rule with "kind", or "all", "any" or "not"' };
  const node = rule as Record<string, unknown>;
  for (const group of ['all', 'any'] as const) {
    if (!(group in node)) continue;
    const items = node[group];
    if (Object.keys(node).length > 1) return { path, message: `"${group}" must be the only key` };
    if (!Array.isArray(items) || items.length === 0)
      return { path: `${path}.${group}`, message: 'must be a non-empty array of rules' };
    if (items.length > 50) return { path: `${path}.${group}`, message: 'may hold at most 50 rules' };
    for (const [i, item] of items.entries()) {
      const problem = segmentRuleProblem(item, `${path}.${group}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if ('not' in node) {
    if (Object.keys(node).length > 1) return { path, message: '"not" must be the only key' };
    return segmentRuleProblem(node.not, `${path}.not`, depth + 1);
  }
  if (!('kind' in node)) {
    const [key] = Object.keys(node);
    return key === undefined
      ? { path, message: 'is empty: give "all", "any", "not" or a leaf rule with "kind"' }
      : {
          path: `${path}.${key}`,
          message: 'is not a rule: use "all", "any", "not" or a leaf rule with "kind"',
        };
  }
  const schema = (LEAF_RULES as Record<string, TSchema>)[node.kind as string];
  if (!schema)
    return { path: `${path}.kind`, message: `must be one of ${Object.keys(LEAF_RULES).join(', ')}` };
  const error = schemaProblem(schema, node);
  if (error) return { path: `${path}${error.at}`, message: error.message };
  const problem = leafProblem(node as LeafRule);
  return problem && { path: `${path}.${problem.at}`, message: problem.message };
}

/** Every leaf of a rule tree. */
export function ruleLeaves(rule: SegmentRule): LeafRule[] {
  if ('all' in rule) return rule.all.flatMap(ruleLeaves);
  if ('any' in rule) return rule.any.flatMap(ruleLeaves);
  if ('not' in rule) return ruleLeaves(rule.not);
  return [rule];
}

/** Events emitted when a customer enters or leaves a segment, with properties `{ segment, name }`. */
export const SEGMENT_EVENTS = { entered: 'segment_entered', exited: 'segment_exited' } as const;

/** Tracked by an unsubscribe link after it changed consent; consent rules re-evaluate on it. */
export const UNSUBSCRIBED_EVENT = 'unsubscribed';
/**
 * Recorded for every change of a customer's consent (the API's subscriptions or an unsubscribe link), with the
 * change as its properties (`{ channels?, topics? }`); segments that read consent re-evaluate on it.
 */
export const CONSENT_CHANGED_EVENT = 'consent_changed';

/** What a rule tree reads, so an event re-evaluates only the segments it can change. */
export interface SegmentReads {
  /** Top-level trait names (`address` for `address.city`). */
  traits: string[];
  events: string[];
  segments: string[];
  /** Computed attribute names (absent on segments saved before rules could read them). */
  computed?: string[];
  /** True when consent or channel opt-outs are read (absent when not). */
  consent?: boolean;
  /** True when membership can change with time alone (relative windows and dates). */
  timeRelative: boolean;
}

export function segmentReads(rule: SegmentRule): SegmentReads {
  const traits = new Set<string>();
  const events = new Set<string>();
  const segments = new Set<string>();
  const computed = new Set<string>();
  let consent = false;
  let timeRelative = false;
  for (const leaf of ruleLeaves(rule)) {
    if ('trait' in leaf) traits.add(leaf.trait.split('.')[0]);
    if ('event' in leaf) events.add(leaf.event);
    if (leaf.kind === 'reachable') traits.add(leaf.channel === 'email' ? 'email' : 'phone');
    if (leaf.kind === 'anniversary') traits.add('timezone');
    if (leaf.kind === 'computed' || leaf.kind === 'computedDate') computed.add(leaf.attribute);
    if (leaf.kind === 'subscribed' || leaf.kind === 'reachable') {
      consent = true;
      events.add(UNSUBSCRIBED_EVENT);
    }
    if (leaf.kind === 'inSegment') {
      segments.add(leaf.segment);
      events.add(SEGMENT_EVENTS.entered).add(SEGMENT_EVENTS.exited);
    }
    if (
      leaf.kind === 'attributeDate' ||
      leaf.kind === 'computedDate' ||
      leaf.kind === 'anniversary' ||
      leaf.kind === 'notPerformed' ||
      (leaf.kind === 'performedAt' && leaf.daysAgo !== undefined) ||
      ((leaf.kind === 'performed' || leaf.kind === 'aggregate') && leaf.withinDays !== undefined)
    )
      timeRelative = true;
  }
  return {
    traits: [...traits],
    events: [...events],
    segments: [...segments],
    ...(computed.size ? { computed: [...computed] } : {}),
    ...(consent ? { consent } : {}),
    timeRelative,
  };
}

/** Release 0.3's durable timer per (segment, customer); runs still waiting finish on this workflow. */
export const SEGMENT_TIMER_WORKFLOW = 'segmentTimerWorkflow';
/** Signal to a segment timer: also re-check at this ISO time (the earliest pending time wins). */
export const SEGMENT_RECHECK_SIGNAL = 'segmentRecheck';
export const segmentTimerId = (segmentId: string, customerId: string) =>
  `segment-timer:${segmentId}:${customerId}`;
export interface SegmentTimerInput {
  segmentId: string;
  customerId: string;
}

/**
 * One durable clock per customer re-evaluates all their time-relative segments at the earliest moment one may
 * flip. It takes the same re-check signal.
 */
export const SEGMENT_CLOCK_WORKFLOW = 'segmentClockWorkflow';
export const segmentClockId = (customerId: string) => `segment-clock:${customerId}`;
export interface SegmentClockInput {
  customerId: string;
}
