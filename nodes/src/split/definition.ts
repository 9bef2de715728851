import { defineNodeType } from '@itinera/schemas';
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
    return problems;
  },
});
