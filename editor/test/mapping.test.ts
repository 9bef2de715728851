import type { JourneyGraph } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { edgeToFlow, flowToGraph, graphToFlow, INPUT_HANDLE, nextNodeId } from '../src/graph/mapping.ts';

const graph: JourneyGraph = {
  nodes: [
    {
      id: 'trigger_1',
      type: 'trigger',
      config: { kind: 'event', event: 'signed_up', reentry: 'once' },
      position: { x: 0, y: 0 },
    },
    {
      id: 'wait_1',
      type: 'wait',
      config: { mode: 'duration', duration: { amount: 2, unit: 'days' } },
      position: { x: 300, y: 10 },
      label: 'Cool off',
    },
    {
      id: 'wfe_1',
      type: 'wait_for_event',
      config: { event: 'purchase', timeout: { amount: 3, unit: 'days' } },
      position: { x: 600, y: 0 },
    },
    { id: 'exit_1', type: 'exit', config: {}, position: { x: 900, y: -80 } },
    { id: 'exit_2', type: 'exit', config: {}, position: { x: 900, y: 80 } },
  ],
  edges: [
    { id: 'e1', source: 'trigger_1', sourcePort: 'next', target: 'wait_1' },
    { id: 'e2', source: 'wait_1', sourcePort: 'next', target: 'wfe_1' },
    { id: 'e3', source: 'wfe_1', sourcePort: 'happened', target: 'exit_1' },
    { id: 'e4', source: 'wfe_1', sourcePort: 'timed_out', target: 'exit_2' },
  ],
};

describe('graph <-> React Flow mapping', () => {
  it('round-trips a graph unchanged', () => {
    const { nodes, edges } = graphToFlow(graph);
    expect(flowToGraph(nodes, edges)).toEqual(graph);
  });

  it('maps ports to handles and types to node data', () => {
    const { nodes, edges } = graphToFlow(graph);
    expect(nodes[1]).toMatchObject({
      id: 'wait_1',
      type: 'journey',
      data: { type: 'wait', label: 'Cool off' },
    });
    expect(edges[2]).toMatchObject({
      source: 'wfe_1',
      sourceHandle: 'happened',
      target: 'exit_1',
      targetHandle: INPUT_HANDLE,
    });
    expect(edgeToFlow(graph.edges[3]).sourceHandle).toBe('timed_out');
  });

  it('keeps canvas-only state (selection, measurements) out of the graph and rounds positions', () => {
    const { nodes, edges } = graphToFlow(graph);
    const moved = nodes.map((n) => ({
      ...n,
      selected: true,
      measured: { width: 220, height: 90 },
      position: { x: n.position.x + 0.4, y: n.position.y },
    }));
    const back = flowToGraph(moved, edges);
    expect(back).toEqual(graph);
    expect(Object.keys(back.nodes[0])).toEqual(['id', 'type', 'config', 'position']);
  });

  it('mints unused node ids', () => {
    expect(nextNodeId('wait', ['wait_1', 'wait_2', 'send_3'])).toBe('wait_3');
    expect(nextNodeId('send', [])).toBe('send_1');
  });
});
