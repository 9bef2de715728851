import { defineNodeType } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';

export const exitNode = defineNodeType({
  type: 'exit',
  title: 'Exit',
  category: 'exit',
  icon: '⏹',
  description: 'The customer leaves the journey.',
  configSchema: Type.Object({}, { additionalProperties: false }),
  defaultConfig: {},
  ports: [],
});
