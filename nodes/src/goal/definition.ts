import { defineNodeType, EventMatcher } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

export const goalNode = defineNodeType({
  type: 'goal',
  title: 'Goal',
  category: 'goal',
  icon: '🏁',
  role: 'goal',
  description:
    'A conversion event. Whenever it happens the customer exits as converted, from wherever they are, even mid-wait. Needs no connections.',
  configSchema: Type.Object({ ...EventMatcher.properties }, { additionalProperties: false }),
  defaultConfig: { event: 'order_completed' },
  ports: [],
  listensFor: ({ event, where }) => [{ event, where }],
});
