import { defineNodeType } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

export const updateProfileNode = defineNodeType({
  type: 'update_profile',
  title: 'Update profile',
  category: 'action',
  icon: '📝',
  description: 'Sets, increments or removes profile attributes.',
  configSchema: Type.Object(
    {
      operations: Type.Array(
        Type.Object(
          {
            path: Type.String({
              minLength: 1,
              pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$',
              title: 'Attribute',
              'x-widget': 'profile-attribute',
            }),
            op: Type.Union([Type.Literal('set'), Type.Literal('increment'), Type.Literal('unset')], {
              title: 'Operation',
              default: 'set',
            }),
            value: Type.Optional(Type.Unknown({ title: 'Value' })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, title: 'Operations' },
      ),
    },
    { additionalProperties: false },
  ),
  defaultConfig: { operations: [{ path: 'onboarded', op: 'set', value: true }] },
  ports: [{ id: 'next', label: 'next' }],
  validate: (config) => {
    const problems = config.operations.flatMap((o, i) =>
      o.op === 'increment' && typeof o.value !== 'number'
        ? [`operations.${i}.value must be a number to increment`]
        : [],
    );
    const paths = config.operations.map((o) => o.path);
    for (const [i, path] of paths.entries()) {
      const clash = paths.findIndex(
        (other, j) => j !== i && (other === path || other.startsWith(`${path}.`)),
      );
      if (clash > i || (clash >= 0 && paths[clash] !== path)) {
        problems.push(`operations.${i} and operations.${clash} change the same attribute "${path}"`);
      }
    }
    return problems;
  },
});
