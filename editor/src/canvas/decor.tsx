import type { GraphProblem, NodeTypeDefinition, OutputPort } from '@itinera/schemas';
import { portsOf } from '@itinera/schemas';
import { createContext, useContext } from 'react';
import type { NodeChange } from '../graph/diff.ts';
import type { Direction } from '../graph/layout.ts';

/** Per-node extras drawn on the canvas, kept out of node data so they never enter the graph or history. */
export interface CanvasDecor {
  problems: Map<string, GraphProblem[]>;
  stats: Record<string, { active: number; passed: number }> | null;
  /** Enrollment path: visited node ids and the node the customer is at. */
  trail: { visited: Set<string>; current: string | null } | null;
  /** While comparing with a version: nodes added or changed since it. */
  diff?: Map<string, NodeChange> | null;
  /** Where edges enter and leave cards: top/bottom (TB, the default) or left/right (LR). */
  direction?: Direction;
  /** Analytics overlay: each node's key figure. */
  figures?: Record<string, string> | null;
}

export const emptyDecor: CanvasDecor = { problems: new Map(), stats: null, trail: null };

export const DecorContext = createContext<CanvasDecor>(emptyDecor);
export const useDecor = () => useContext(DecorContext);

export function problemsByNode(problems: GraphProblem[]): Map<string, GraphProblem[]> {
  const map = new Map<string, GraphProblem[]>();
  for (const problem of problems) {
    if (!problem.nodeId) continue;
    map.set(problem.nodeId, [...(map.get(problem.nodeId) ?? []), problem]);
  }
  return map;
}

/** Ports for a node, tolerating configs broken enough to make a port function throw. */
export function safePorts(definition: NodeTypeDefinition | undefined, config: unknown): OutputPort[] {
  if (!definition) return [];
  try {
    return portsOf(definition, config);
  } catch {
    return [];
  }
}
