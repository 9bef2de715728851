import '@itinera/nodes/definitions';
import { type JourneyGraph, NodeTypeRegistry, nodeTypes, validateGraph } from '@itinera/schemas';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../src/api/types.ts';
import { defaultFor, fromJsonSchema, type JsonSchema } from '../src/graph/json-schema.ts';
import { definitionFromInfo, paletteGroups, registerServerNodeTypes } from '../src/graph/node-registry.ts';

/** What GET /v1/node-types sends for a custom node type: plain JSON, TypeBox markers stripped. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value));

const slackInfo: NodeTypeInfo = asJson({
  type: 'slack_notify',
  title: 'Notify Slack',
  category: 'integrations',
  description: 'Posts to a Slack channel.',
  icon: '💬',
  role: 'step',
  canWait: false,
  configSchema: Type.Object(
    {
      channel: Type.String({ minLength: 1, title: 'Channel' }),
      priority: Type.Union([Type.Literal('low'), Type.Literal('high')], { default: 'low' }),
      retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
      tags: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  ),
  defaultConfig: { channel: '#growth', priority: 'low' },
  ports: [
    { id: 'sent', label: 'sent' },
    { id: 'failed', label: 'failed' },
  ],
  dynamicPorts: false,
});

function graphWith(config: Record<string, unknown>): JourneyGraph {
  return {
    nodes: [
      {
        id: 't',
        type: 'trigger',
        config: { kind: 'event', event: 'signed_up', reentry: 'once' },
        position: { x: 0, y: 0 },
      },
      { id: 's', type: 'slack_notify', config, position: { x: 1, y: 0 } },
      { id: 'x', type: 'exit', config: {}, position: { x: 2, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 't', sourcePort: 'next', target: 's' },
      { id: 'e2', source: 's', sourcePort: 'sent', target: 'x' },
      { id: 'e3', source: 's', sourcePort: 'failed', target: 'x' },
    ],
  };
}

describe('custom node types from /v1/node-types', () => {
  const registry = new NodeTypeRegistry();
  for (const d of nodeTypes.list()) registry.register(d);
  registry.register(definitionFromInfo(slackInfo));

  it('builds a definition the shared validator can check', () => {
    expect(validateGraph(graphWith({ channel: '#growth', priority: 'high', retries: 2 }), registry)).toEqual(
      [],
    );
    const problems = validateGraph(graphWith({ channel: '', priority: 'urgent', retries: 9 }), registry);
    expect(problems.map((p) => [p.code, p.nodeId])).toContainEqual(['invalid_config', 's']);
    expect(problems.map((p) => p.field)).toEqual(expect.arrayContaining(['channel', 'priority', 'retries']));
  });

  it('keeps static ports, metadata and form hints', () => {
    const definition = definitionFromInfo(slackInfo);
    expect(definition.ports).toEqual(slackInfo.ports);
    expect(definition).toMatchObject({
      type: 'slack_notify',
      title: 'Notify Slack',
      category: 'integrations',
      icon: '💬',
    });
    const schema = definition.configSchema as JsonSchema;
    expect(schema.properties?.channel.title).toBe('Channel');
    expect(defaultFor(schema.properties?.priority ?? {})).toBe('low');
  });

  it('validates built-in schemas identically after a JSON round-trip', () => {
    const send = nodeTypes.get('send')!;
    const rebuilt = fromJsonSchema(asJson(send.configSchema) as JsonSchema);
    const reg = new NodeTypeRegistry();
    reg.register({ ...send, configSchema: rebuilt });
    const g = (config: Record<string, unknown>): JourneyGraph => ({
      nodes: [{ id: 'n', type: 'send', config, position: { x: 0, y: 0 } }],
      edges: [],
    });
    const codes = (config: Record<string, unknown>, r: NodeTypeRegistry) =>
      validateGraph(g(config), r)
        .filter((p) => p.code === 'invalid_config')
        .map((p) => p.field);
    for (const config of [
      { channel: 'email', body: 'hi' },
      { channel: 'fax', body: 'hi' },
      { channel: 'sms' },
      { channel: 'webhook', body: 'x', url: 'ftp://nope', headers: { a: 1 } },
    ]) {
      expect(codes(config, reg)).toEqual(codes(config, nodeTypes as NodeTypeRegistry));
    }
  });

  it('registers only unknown types and lists them in the palette', () => {
    const builtIn = asJson({ ...slackInfo, type: 'wait' });
    const added = registerServerNodeTypes([builtIn, slackInfo, { ...slackInfo, type: 'Bad-Name' }]);
    expect(added).toEqual(['slack_notify']);
    expect(nodeTypes.get('wait')?.canWait).toBe(true);
    const groups = Object.fromEntries(paletteGroups());
    expect(groups.integrations.map((d) => d.type)).toEqual(['slack_notify']);
    expect(paletteGroups()[0][0]).toBe('trigger');
  });
});
