import type { JourneyEdge, JourneyGraph, JourneyNode } from '@itinera/schemas';

/** Builds a graph from a compact description: nodes in order, edges as `source:port->target`. */
export function graph(nodes: Array<Omit<JourneyNode, 'position'>>, edges: string[]): JourneyGraph {
  return {
    nodes: nodes.map((n, i) => ({ ...n, position: { x: i * 200, y: 0 } })),
    edges: edges.map((spec, i): JourneyEdge => {
      const [from, target] = spec.split('->');
      const [source, sourcePort = 'next'] = from.split(':');
      return { id: `e${i}`, source, sourcePort, target };
    }),
  };
}

export const days = (n: number) => n * 86_400_000;

/** trigger -> wait_for_event `waitId` -> exit on either port, plus any journey-wide nodes (goals). */
export function waitForEventJourney(
  trigger: Record<string, unknown>,
  waitId: string,
  wait: Record<string, unknown>,
  extra: Array<Omit<JourneyNode, 'position'>> = [],
): JourneyGraph {
  return graph(
    [
      { id: 'start', type: 'trigger', config: { reentry: 'once', ...trigger } },
      { id: waitId, type: 'wait_for_event', config: wait },
      ...extra,
      { id: 'end', type: 'exit', config: {} },
    ],
    [`start->${waitId}`, `${waitId}:happened->end`, `${waitId}:timed_out->end`],
  );
}
