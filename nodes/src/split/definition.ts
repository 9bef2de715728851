import { defineNodeType, PrimaryMetric } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

export const splitNode = defineNodeType({
  type: 'split',
  title: 'Split',
  category: 'logic',
  icon: '🔀',
  description:
    'Sends customers down named branches by percentage (A/B tests). A customer always lands in the same branch.',
  configSchema: Type.Object(
    {
      branches: Type.Array(
        Type.Object(
          {
            id: Type.String({ pattern: '^[A-Za-z0-9_-]+$', title: 'Branch id' }),
            label: Type.String({ minLength: 1, title: 'Name' }),
            percent: Type.Number({ minimum: 0, maximum: 100, title: 'Percent' }),
          },
          { additionalProperties: false, title: 'Branch' },
        ),
        { minItems: 2, maxItems: 10, title: 'Branches' },
      ),
      experiment: Type.Optional(
        Type.Object(
          {
            primaryMetric: PrimaryMetric,
            control: Type.Optional(Type.String({ title: 'Control branch id (default: the first)' })),
            minSample: Type.Integer({
              minimum: 10,
              maximum: 10_000_000,
              default: 100,
              title: 'Minimum customers per variant',
            }),
            revenueEvent: Type.Optional(
              Type.String({ minLength: 1, title: 'Revenue event (default: the goal event)' }),
            ),
            revenueProperty: Type.Optional(
              Type.String({ minLength: 1, default: 'amount', title: 'Revenue property' }),
            ),
            attributionDays: Type.Optional(
              Type.Number({ minimum: 0.01, maximum: 365, default: 7, title: 'Attribution window (days)' }),
            ),
          },
          { additionalProperties: false, title: 'Experiment' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  defaultConfig: {
    branches: [
      { id: 'a', label: 'Variant A', percent: 50 },
      { id: 'b', label: 'Variant B', percent: 50 },
    ],
  },
  ports: (config) => config.branches.map((b) => ({ id: b.id, label: `${b.label} (${b.percent}%)` })),
  validate: (config) => {
    const total = config.branches.reduce((sum, b) => sum + b.percent, 0);
    const ids = new Set(config.branches.map((b) => b.id));
    const problems = Math.abs(total - 100) > 1e-9 ? [`branch percentages add up to ${total}, not 100`] : [];
    if (ids.size !== config.branches.length) problems.push('branch ids must be unique');
    const control = config.experiment?.control;
    if (control !== undefined && !ids.has(control))
      problems.push(`experiment control "${control}" is not a branch`);
    return problems;
  },
});
