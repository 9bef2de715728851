import { defineNodeType, PropertyFilter } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

export const triggerNode = defineNodeType({
  type: 'trigger',
  title: 'Trigger',
  category: 'trigger',
  icon: '⚡',
  role: 'trigger',
  description: 'Where customers enter: on an event, or through the API for a list of customers.',
  configSchema: Type.Object(
    {
      kind: Type.Union([Type.Literal('event'), Type.Literal('api')], { title: 'Enter on', default: 'event' }),
      event: Type.Optional(Type.String({ title: 'Event name', 'x-widget': 'event-name' })),
      where: Type.Optional(PropertyFilter),
      reentry: Type.Union([Type.Literal('once'), Type.Literal('after_exit'), Type.Literal('concurrent')], {
        title: 'Re-entry',
        description: 'once ever; again after exiting; or several enrollments at the same time',
        default: 'once',
      }),
      entryLimit: Type.Optional(Type.Integer({ minimum: 1, title: 'Entry limit (total customers)' })),
    },
    { additionalProperties: false },
  ),
  defaultConfig: { kind: 'event', event: 'signed_up', reentry: 'once' },
  ports: [{ id: 'next', label: 'next' }],
  validate: (config) =>
    config.kind === 'event' && !config.event ? ['event is required when entering on an event'] : [],
});
