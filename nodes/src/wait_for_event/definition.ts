import { defineNodeType, PropertyFilter } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';
import { Duration } from '../shared/duration.ts';

export const waitForEventNode = defineNodeType({
  type: 'wait_for_event',
  title: 'Wait for event',
  category: 'timing',
  icon: '👂',
  canWait: true,
  description:
    'Waits until the customer does something, up to a timeout. The event is available to later nodes as `event`.',
  configSchema: Type.Object(
    {
      event: Type.String({ minLength: 1, title: 'Event name', 'x-widget': 'event-name' }),
      where: Type.Optional(PropertyFilter),
      timeout: Duration,
    },
    { additionalProperties: false },
  ),
  defaultConfig: { event: 'order_completed', timeout: { amount: 3, unit: 'days' } },
  ports: [
    { id: 'happened', label: 'happened' },
    { id: 'timed_out', label: 'timed out' },
  ],
  listensFor: ({ event, where }) => [{ event, where }],
  validate: (config, graph) =>
    graph.nodes.some((n) => n.type === 'goal' && (n.config as { event?: string }).event === config.event)
      ? [
          `a goal listens for "${config.event}" too and would end the journey first; "happened" could never run`,
        ]
      : [],
});
