import type { JourneyGraph } from '@itinera/schemas';
import { safePorts } from '../canvas/decor.tsx';
import type { FlowEdge, FlowNode } from './mapping.ts';
import { nodeTypes } from './node-registry.ts';

/** Top-to-bottom (the default, as in most marketing tools) or left-to-right. */
export type Direction = 'TB' | 'LR';

const DEFAULT_SIZE = { width: 220, height: 90 };

/** Positions nodes with ELK's layered algorithm in the given direction. */
export async function layoutNodes(
  nodes: FlowNode[],
  edges: FlowEdge[],
  direction: Direction = 'TB',
): Promise<FlowNode[]> {
  // ELK is large; load it the first time someone asks for a layout.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const result = await new ELK().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction === 'TB' ? 'DOWN' : 'RIGHT',
      'elk.spacing.nodeNode': direction === 'TB' ? '60' : '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': direction === 'TB' ? '80' : '90',
      'elk.layered.spacing.edgeNodeBetweenLayers': '30',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Branches keep the order of their ports (yes before no, variant A before B).
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: nodes.map((n) => ({
      id: n.id,
      width: n.measured?.width ?? DEFAULT_SIZE.width,
      height: n.measured?.height ?? DEFAULT_SIZE.height,
    })),
    edges: inPortOrder(nodes, edges).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  return nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position }));
}

/** Edges sorted by their port's place on the node, so branches lie in port order and do not cross. */
function inPortOrder(nodes: FlowNode[], edges: FlowEdge[]): FlowEdge[] {
  const rank = new Map<string, number>();
  for (const node of nodes) {
    safePorts(nodeTypes.get(node.data.type), node.data.config).forEach((port, i) => {
      rank.set(`${node.id}\u0000${port.id}`, i);
    });
  }
  const at = (e: FlowEdge) => rank.get(`${e.source}\u0000${e.sourceHandle}`) ?? 0;
  return [...edges].sort((a, b) => at(a) - at(b));
}

/** The direction a saved journey was laid out in: edges mostly go down, or mostly go right. */
export function directionOf(graph: JourneyGraph): Direction {
  const at = new Map(graph.nodes.map((n) => [n.id, n.position]));
  let across = 0;
  let down = 0;
  for (const edge of graph.edges) {
    const from = at.get(edge.source);
    const to = at.get(edge.target);
    if (!from || !to) continue;
    across += Math.abs(to.x - from.x);
    down += Math.abs(to.y - from.y);
  }
  return across > down ? 'LR' : 'TB';
}
