import type { JourneyEdge, JourneyGraph, JourneyNode } from '@itinera/schemas';
import type { Edge, Node } from '@xyflow/react';

export interface JourneyNodeData extends Record<string, unknown> {
  type: string;
  config: Record<string, unknown>;
  label?: string;
}

export type FlowNode = Node<JourneyNodeData, 'journey'>;
/** `route`: the path auto-layout found for the edge; editor-only, never saved. */
export type FlowEdge = Edge<{ port: string; route?: { x: number; y: number }[] }>;

export const INPUT_HANDLE = 'in';

export function nodeToFlow(node: JourneyNode): FlowNode {
  const data: JourneyNodeData = { type: node.type, config: node.config };
  if (node.label !== undefined) data.label = node.label;
  return { id: node.id, type: 'journey', position: { ...node.position }, data };
}

export function edgeToFlow(edge: JourneyEdge): FlowEdge {
  return {
    id: edge.id,
    source: edge.source,
    sourceHandle: edge.sourcePort,
    target: edge.target,
    targetHandle: INPUT_HANDLE,
    data: { port: edge.sourcePort },
  };
}

export function graphToFlow(graph: JourneyGraph): { nodes: FlowNode[]; edges: FlowEdge[] } {
  return { nodes: graph.nodes.map(nodeToFlow), edges: graph.edges.map(edgeToFlow) };
}

export function flowToGraph(nodes: FlowNode[], edges: FlowEdge[]): JourneyGraph {
  return {
    nodes: nodes.map((n) => {
      const node: JourneyNode = {
        id: n.id,
        type: n.data.type,
        config: n.data.config,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      };
      if (n.data.label !== undefined) node.label = n.data.label;
      return node;
    }),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      sourcePort: e.sourceHandle ?? e.data?.port ?? 'next',
      target: e.target,
    })),
  };
}

/** A fresh node id like `wait_3`, unique within `taken`. */
export function nextNodeId(type: string, taken: Iterable<string>): string {
  const ids = new Set(taken);
  let n = 1;
  while (ids.has(`${type}_${n}`)) n++;
  return `${type}_${n}`;
}

export function edgeId(source: string, port: string, target: string): string {
  return `${source}.${port}->${target}`;
}
