import type { JourneyGraph } from '@itinera/schemas';
import type { ElkExtendedEdge } from 'elkjs/lib/elk-api.js';
import { safePorts } from '../canvas/decor.tsx';
import type { FlowEdge, FlowNode } from './mapping.ts';
import { nodeTypes } from './node-registry.ts';

/** Top-to-bottom (the default, as in most marketing tools) or left-to-right. */
export type Direction = 'TB' | 'LR';

const DEFAULT_SIZE = { width: 220, height: 90 };

export interface XY {
  x: number;
  y: number;
}

/** Where a node's handles sit, relative to the node (React Flow's measured handle bounds). */
export type HandlesOf = (nodeId: string) => { id: string; centre: XY; type: 'source' | 'target' }[];

const portKey = (node: string, port: string) => `${node}\u0000${port}`;

/**
 * Positions nodes with ELK's layered algorithm in the given direction, and returns each edge's orthogonal
 * route (from ELK, which keeps edges out of node boxes) when the handles' places are known.
 */
export async function layoutNodes(
  nodes: FlowNode[],
  edges: FlowEdge[],
  direction: Direction = 'TB',
  handlesOf?: HandlesOf,
): Promise<{ nodes: FlowNode[]; routes: Map<string, XY[]> }> {
  // ELK is large; load it the first time someone asks for a layout.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const [out, into] = direction === 'TB' ? ['SOUTH', 'NORTH'] : ['EAST', 'WEST'];
  const ports = new Set<string>();
  const result = await new ELK().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction === 'TB' ? 'DOWN' : 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.spacing.nodeNode': direction === 'TB' ? '60' : '40',
      'elk.spacing.edgeNode': '24',
      'elk.spacing.edgeEdge': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': direction === 'TB' ? '80' : '90',
      'elk.layered.spacing.edgeNodeBetweenLayers': '30',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Branches keep the order of their ports (yes before no, variant A before B).
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: nodes.map((n) => {
      const handles = handlesOf?.(n.id) ?? [];
      for (const h of handles) ports.add(portKey(n.id, h.id));
      return {
        id: n.id,
        width: n.measured?.width ?? DEFAULT_SIZE.width,
        height: n.measured?.height ?? DEFAULT_SIZE.height,
        layoutOptions: { 'elk.portConstraints': handles.length ? 'FIXED_POS' : 'UNDEFINED' },
        ports: handles.map((h) => ({
          id: portKey(n.id, h.id),
          x: h.centre.x,
          y: h.centre.y,
          width: 0,
          height: 0,
          layoutOptions: { 'elk.port.side': h.type === 'source' ? out : into },
        })),
      };
    }),
    edges: inPortOrder(nodes, edges).map((e) => {
      const from = portKey(e.source, e.sourceHandle ?? 'next');
      const to = portKey(e.target, e.targetHandle ?? 'in');
      return {
        id: e.id,
        sources: [ports.has(from) ? from : e.source],
        targets: [ports.has(to) ? to : e.target],
      };
    }),
  });
  const positions = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  const routes = new Map<string, XY[]>();
  for (const edge of (result.edges ?? []) as ElkExtendedEdge[]) {
    const section = edge.sections?.[0];
    if (handlesOf && section && edge.sections?.length === 1)
      routes.set(edge.id, [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
  }
  return { nodes: nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })), routes };
}

/** Edges sorted by their port's place on the node, so branches lie in port order and do not cross. */
function inPortOrder(nodes: FlowNode[], edges: FlowEdge[]): FlowEdge[] {
  const rank = new Map<string, number>();
  for (const node of nodes) {
    safePorts(nodeTypes.get(node.data.type), node.data.config).forEach((port, i) => {
      rank.set(portKey(node.id, port.id), i);
    });
  }
  const at = (e: FlowEdge) => rank.get(portKey(e.source, e.sourceHandle ?? 'next')) ?? 0;
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
