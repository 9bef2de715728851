import type { FlowEdge, FlowNode } from './mapping.ts';

const DEFAULT_SIZE = { width: 220, height: 90 };

/** Positions nodes with ELK's layered algorithm, left to right. */
export async function layoutNodes(nodes: FlowNode[], edges: FlowEdge[]): Promise<FlowNode[]> {
  // ELK is large; load it the first time someone asks for a layout.
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const result = await new ELK().layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: nodes.map((n) => ({
      id: n.id,
      width: n.measured?.width ?? DEFAULT_SIZE.width,
      height: n.measured?.height ?? DEFAULT_SIZE.height,
    })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const positions = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  return nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position }));
}
