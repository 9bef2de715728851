import type { FlowEdge, FlowNode } from '../graph/mapping.ts';
import { nodeTypes } from '../graph/node-registry.ts';
import { safePorts } from './decor.tsx';

/**
 * Edges leaving a node with several ports carry that port's label (yes/no, happened/timed out, a split
 * variant with its percentage); single-port edges stay unlabelled.
 */
export function withPortLabels(nodes: FlowNode[], edges: FlowEdge[]): FlowEdge[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return edges.map((edge) => {
    const source = byId.get(edge.source);
    if (!source) return edge;
    const ports = safePorts(nodeTypes.get(source.data.type), source.data.config);
    if (ports.length < 2) return edge.label ? { ...edge, label: undefined } : edge;
    const label = ports.find((p) => p.id === edge.sourceHandle)?.label ?? edge.sourceHandle;
    return label === edge.label ? edge : { ...edge, label, className: 'has-label' };
  });
}
