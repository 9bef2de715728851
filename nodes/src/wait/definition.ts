import { defineNodeType, type NodeTypeDefinition } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';
import { Duration } from '../shared/duration.ts';

const Weekday = Type.Integer({ minimum: 1, maximum: 7 });

export const waitNode: NodeTypeDefinition = defineNodeType({
  type: 'wait',
  title: 'Wait',
  category: 'timing',
  icon: '⏳',
  canWait: true,
  description:
    "Waits for a duration; until a time of day on chosen weekdays in the customer's timezone; or until a date held in a profile attribute.",
  configSchema: Type.Object(
    {
      mode: Type.Union(
        [Type.Literal('duration'), Type.Literal('time_of_day'), Type.Literal('date_attribute')],
        {
          title: 'Wait',
          default: 'duration',
          'x-labels': {
            duration: 'For a while',
            time_of_day: 'Until a time of day',
            date_attribute: 'Until a date on the profile',
          },
        },
      ),
      duration: Type.Optional({ ...Duration, title: 'How long', 'x-when': { mode: ['duration'] } }),
      time: Type.Optional(
        Type.String({
          pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
          title: "Customer's local time (HH:MM)",
          'x-when': { mode: ['time_of_day'] },
        }),
      ),
      weekdays: Type.Optional(
        Type.Array(Weekday, {
          title: 'On these days',
          uniqueItems: true,
          minItems: 1,
          'x-widget': 'weekdays',
          'x-when': { mode: ['time_of_day'] },
        }),
      ),
      attribute: Type.Optional(
        Type.String({
          title: 'Profile attribute holding a date',
          'x-widget': 'profile-attribute',
          'x-when': { mode: ['date_attribute'] },
        }),
      ),
      offset: Type.Optional({
        ...Duration,
        title: 'Offset from the date',
        'x-when': { mode: ['date_attribute'] },
      }),
      offsetDirection: Type.Optional(
        Type.Union([Type.Literal('before'), Type.Literal('after')], {
          default: 'before',
          title: 'Before or after the date',
          'x-labels': { before: 'Before the date', after: 'After the date' },
          'x-when': { mode: ['date_attribute'] },
        }),
      ),
      yearly: Type.Optional(
        Type.Boolean({
          title: 'Every year (birthdays, anniversaries)',
          default: false,
          'x-when': { mode: ['date_attribute'] },
        }),
      ),
    },
    { additionalProperties: false },
  ),
  defaultConfig: { mode: 'duration', duration: { amount: 1, unit: 'days' } },
  ports: [{ id: 'next', label: 'next' }],
  listensFor: () => [],
  validate: (config) => {
    if (config.mode === 'duration' && !config.duration) return ['duration is required'];
    if (config.mode === 'time_of_day' && !config.time) return ['time is required'];
    if (config.mode === 'date_attribute' && !config.attribute) return ['attribute is required'];
    return [];
  },
});
