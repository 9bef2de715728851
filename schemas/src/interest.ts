import { type EventMatcher, eventMatches } from './filters.ts';
import type { JourneyGraph } from './graph.ts';
import { type NodeTypeRegistry, nodeTypes } from './node-types.ts';

/** What a journey version reacts to: event matchers, or every event. */
export type EventInterest = { all: true } | { all: false; matchers: EventMatcher[] };

/**
 * Collects what the graph's nodes listen for, from each node type's `listensFor` declaration. A node of a
 * type this process does not know, or a waiting node that declares nothing, may wait for anything.
 */
export function eventInterest(graph: JourneyGraph, registry: NodeTypeRegistry = nodeTypes): EventInterest {
  const matchers: EventMatcher[] = [];
  for (const node of graph.nodes) {
    const definition = registry.get(node.type);
    if (!definition || (!definition.listensFor && definition.canWait)) return { all: true };
    const declared = definition.listensFor?.(node.config as never) ?? [];
    if (declared === 'all') return { all: true };
    matchers.push(...declared);
  }
  return { all: false, matchers };
}

export function interestedIn(interest: EventInterest, event: Parameters<typeof eventMatches>[0]): boolean {
  return interest.all || interest.matchers.some((matcher) => eventMatches(event, matcher));
}
