import { defineNodeType } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

/** A custom node type, registered exactly like the built-ins: adds points to a lead score and branches on it. */
export const leadScoreNode = defineNodeType({
  type: 'lead_score',
  title: 'Lead score',
  category: 'logic',
  icon: '🎯',
  description:
    'Adds points to the profile attribute `lead_score`, then branches: hot when it reaches the threshold.',
  configSchema: Type.Object(
    {
      points: Type.Integer({ title: 'Points to add', minimum: -1000, maximum: 1000, default: 10 }),
      threshold: Type.Integer({ title: 'Hot at', minimum: 1, default: 50 }),
    },
    { additionalProperties: false },
  ),
  defaultConfig: { points: 10, threshold: 50 },
  ports: [
    { id: 'hot', label: 'hot' },
    { id: 'cold', label: 'cold' },
  ],
});
