import { useRef } from 'react';
import type { FlowEdge, FlowNode } from './mapping.ts';

interface Seen {
  ids: string[];
  data: unknown[];
  edges: FlowEdge[] | null;
  version: number;
}

/**
 * A number that changes when the journey's structure changes (nodes added, removed or reconfigured, edges
 * changed) but not when nodes are only moved, measured or selected. Lets the editor skip whole-graph work
 * such as validation on every frame of a drag: React Flow keeps a node's `data` object across those.
 */
export function useStructureVersion(nodes: FlowNode[], edges: FlowEdge[]): number {
  const seen = useRef<Seen>({ ids: [], data: [], edges: null, version: 0 });
  const last = seen.current;
  const same =
    last.edges === edges &&
    last.ids.length === nodes.length &&
    nodes.every((n, i) => last.ids[i] === n.id && last.data[i] === n.data);
  if (!same) {
    seen.current = {
      ids: nodes.map((n) => n.id),
      data: nodes.map((n) => n.data),
      edges,
      version: last.version + 1,
    };
  }
  return seen.current.version;
}
