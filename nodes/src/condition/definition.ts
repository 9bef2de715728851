import { defineNodeType, type NodeTypeDefinition, PropertyFilter } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

const Rule = Type.Object(
  {
    kind: Type.Union(
      [
        Type.Literal('attribute'),
        Type.Literal('event_count'),
        Type.Literal('context'),
        Type.Literal('in_segment'),
      ],
      {
        description:
          'attribute: a profile trait; event_count: the customer did an event N times in D days; context: a journey value such as response.status (a webhook reply) or event.properties.total; in_segment: the customer is a member of a segment',
        title: 'Check',
        default: 'attribute',
        'x-labels': {
          attribute: 'A profile attribute',
          event_count: 'How often they did an event',
          context: 'A journey value (event, webhook reply)',
          in_segment: 'Is in a segment',
        },
      },
    ),
    segment: Type.Optional(
      Type.String({ title: 'Segment', 'x-widget': 'segment', 'x-when': { kind: ['in_segment'] } }),
    ),
    path: Type.Optional(
      Type.String({
        title: 'Attribute or value path',
        'x-widget': 'profile-attribute',
        'x-when': { kind: ['attribute', 'context'] },
      }),
    ),
    op: Type.Optional(
      Type.Union(
        ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'not_exists', 'in'].map((op) =>
          Type.Literal(op),
        ),
        { title: 'Operator', 'x-when': { kind: ['attribute', 'context'] } },
      ),
    ),
    value: Type.Optional(Type.Unknown({ title: 'Value', 'x-when': { kind: ['attribute', 'context'] } })),
    event: Type.Optional(
      Type.String({ title: 'Event name', 'x-widget': 'event-name', 'x-when': { kind: ['event_count'] } }),
    ),
    where: Type.Optional({ ...PropertyFilter, 'x-when': { kind: ['event_count'] } }),
    atLeast: Type.Optional(
      Type.Integer({
        minimum: 0,
        title: 'At least N times',
        default: 1,
        'x-when': { kind: ['event_count'] },
      }),
    ),
    withinDays: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        title: 'Within the last D days',
        default: 30,
        'x-when': { kind: ['event_count'] },
      }),
    ),
  },
  { additionalProperties: false, title: 'Rule' },
);

export const conditionNode: NodeTypeDefinition = defineNodeType({
  type: 'condition',
  title: 'Condition',
  category: 'logic',
  icon: '❓',
  description: "Branches on profile attributes and on the customer's event history.",
  configSchema: Type.Object(
    {
      combinator: Type.Union([Type.Literal('and'), Type.Literal('or')], {
        title: 'Combine with',
        default: 'and',
        'x-labels': { and: 'All rules must hold (and)', or: 'Any rule may hold (or)' },
      }),
      rules: Type.Array(Rule, { minItems: 1, title: 'Rules' }),
    },
    { additionalProperties: false },
  ),
  defaultConfig: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
  ports: [
    { id: 'yes', label: 'yes' },
    { id: 'no', label: 'no' },
  ],
  validate: (config) =>
    config.rules.flatMap((rule, i) => {
      if (rule.kind === 'in_segment') return rule.segment ? [] : [`rules.${i} needs segment`];
      if (rule.kind !== 'event_count' && (!rule.path || !rule.op)) return [`rules.${i} needs path and op`];
      if (rule.kind === 'event_count' && !rule.event) return [`rules.${i} needs event`];
      return [];
    }),
});
