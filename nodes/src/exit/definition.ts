import { Type } from '@sinclair/typebox';
import { defineNodeType } from '@itinera/schemas';

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
