import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { eventInterest, interestedIn } from '../src/interest.ts';
import { type NodeTypeDefinition, NodeTypeRegistry } from '../src/node-types.ts';

const base = {
  title: 'T',
  category: 'logic',
  description: '',
  icon: '·',
  configSchema: Type.Object({}),
  defaultConfig: {},
  ports: [],
};
const registry = new NodeTypeRegistry();
registry.register({
  ...base,
  type: 'waits_declared',
  canWait: true,
  listensFor: () => [{ event: 'paid' }],
} as NodeTypeDefinition);
registry.register({ ...base, type: 'waits_silent', canWait: true } as NodeTypeDefinition);
registry.register({ ...base, type: 'instant' } as NodeTypeDefinition);

const nodes = (...types: string[]) => ({
  nodes: types.map((type, i) => ({ id: `n${i}`, type, config: {}, position: { x: 0, y: 0 } })),
  edges: [],
});

describe('what a journey version listens for', () => {
  it('collects declared matchers; nodes that cannot wait listen to nothing', () => {
    const interest = eventInterest(nodes('waits_declared', 'instant'), registry);
    expect(interest).toEqual({ all: false, matchers: [{ event: 'paid' }] });
    expect(interestedIn(interest, { event: 'paid' })).toBe(true);
    expect(interestedIn(interest, { event: 'page_viewed' })).toBe(false);
  });

  it('listens to every event when a waiting node declares nothing or a node type is unknown here', () => {
    expect(eventInterest(nodes('waits_silent'), registry)).toEqual({ all: true });
    expect(eventInterest(nodes('instant', 'from_a_plugin'), registry)).toEqual({ all: true });
  });
});
