import type { JourneyGraph } from '@itinera/schemas';
import { nodeTypes } from './node-registry.ts';

/** What people call a node: its label, else its type's title; the id stays secondary. */
export function nodeName(graph: JourneyGraph | undefined, nodeId: string | null | undefined): string {
  if (!nodeId) return '—';
  const node = graph?.nodes.find((n) => n.id === nodeId);
  if (!node) return nodeId;
  return node.label || nodeTypes.get(node.type)?.title || node.type;
}
