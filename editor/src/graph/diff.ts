import type { JourneyGraph, JourneyNode } from '@itinera/schemas';

export type NodeChange = 'added' | 'changed';

export interface GraphDiff {
  /** Draft nodes that are new or whose settings, label, type or outgoing connections differ. */
  nodes: Map<string, NodeChange>;
  /** Nodes of the base that the draft no longer has. */
  removed: JourneyNode[];
  /** How many nodes differ in all: added + changed + removed. */
  count: number;
}

/** JSON with object keys sorted, so two configs compare equal whatever order their keys were set in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fingerprints(graph: JourneyGraph): Map<string, string> {
  const outgoing = new Map<string, string[]>();
  for (const edge of graph.edges) {
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), `${edge.sourcePort}>${edge.target}`]);
  }
  return new Map(
    graph.nodes.map((n) => [
      n.id,
      canonical({
        type: n.type,
        label: n.label ?? '',
        config: n.config,
        out: (outgoing.get(n.id) ?? []).sort(),
      }),
    ]),
  );
}

/** What changed from `base` (a published version) to `draft`; positions do not count. */
export function diffGraphs(base: JourneyGraph, draft: JourneyGraph): GraphDiff {
  const before = fingerprints(base);
  const after = fingerprints(draft);
  const nodes = new Map<string, NodeChange>();
  for (const [id, print] of after) {
    if (!before.has(id)) nodes.set(id, 'added');
    else if (before.get(id) !== print) nodes.set(id, 'changed');
  }
  const removed = base.nodes.filter((n) => !after.has(n.id));
  return { nodes, removed, count: nodes.size + removed.length };
}
