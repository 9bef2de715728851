import { COLLECTIONS, type JourneyEdge, type JourneyGraph, type JourneyNode } from '@itinera/schemas';
import type { Db } from 'mongodb';

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

/** What a crash right after accepting a track call leaves behind: the event and its "route me" marker. */
export async function leaveUnrouted(db: Db, messageId: string, customerId: string, event: string) {
  const receivedAt = new Date(Date.now() - 60_000).toISOString();
  await db.collection(COLLECTIONS.pendingRoutes).insertOne({ _id: messageId as never, receivedAt });
  await db.collection(COLLECTIONS.events).insertOne({
    _id: messageId as never,
    type: 'track',
    customerId,
    event,
    properties: {},
    timestamp: receivedAt,
    receivedAt,
  });
}
