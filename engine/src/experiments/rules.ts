import type { JourneyGraph, PrimaryMetric } from '@itinera/schemas';

export interface SplitConfig {
  branches: { id: string; label: string; percent: number }[];
  experiment?: {
    primaryMetric: PrimaryMetric;
    control?: string;
    minSample: number;
    revenueEvent?: string;
    revenueProperty?: string;
    attributionDays?: number;
  };
}

export interface RevenueRule {
  event: string;
  property: string;
  windowMs: number;
}

const DAY_MS = 86_400_000;
/** The holdout's revenue, and a split's unless it names its own window. */
export const DEFAULT_ATTRIBUTION_DAYS = 7;

/** The nodes a customer can reach after `nodeId`: their clicks count for the branch taken there. */
export function downstreamOf(graph: JourneyGraph, nodeId: string): Set<string> {
  const reached = new Set<string>();
  const queue = [nodeId];
  while (queue.length > 0) {
    const current = queue.pop()!;
    for (const edge of graph.edges) {
      if (edge.source !== current || reached.has(edge.target)) continue;
      reached.add(edge.target);
      queue.push(edge.target);
    }
  }
  return reached;
}

export function goalEvent(graph: JourneyGraph): string | undefined {
  return graph.nodes.find((n) => n.type === 'goal')?.config.event as string | undefined;
}

/** Revenue of an arm: a split's own event and property, else the goal event's `amount`. */
export function revenueRule(graph: JourneyGraph, experiment?: SplitConfig['experiment']): RevenueRule | null {
  const event = experiment?.revenueEvent ?? goalEvent(graph);
  if (!event) return null;
  const days = experiment?.attributionDays ?? DEFAULT_ATTRIBUTION_DAYS;
  return { event, property: experiment?.revenueProperty ?? 'amount', windowMs: days * DAY_MS };
}

/** What the fold needs of one version's graph to count its arms. */
export interface ArmRules {
  splits: { nodeId: string; downstream: Set<string>; revenue: RevenueRule | null }[];
  holdoutRevenue: RevenueRule | null;
}

export function armRulesOf(graph: JourneyGraph): ArmRules {
  const splits = graph.nodes
    .filter((n) => n.type === 'split')
    .map((n) => ({
      nodeId: n.id,
      downstream: downstreamOf(graph, n.id),
      revenue: revenueRule(graph, (n.config as unknown as SplitConfig).experiment),
    }));
  return { splits, holdoutRevenue: revenueRule(graph) };
}
