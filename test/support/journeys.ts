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

/** Trigger on `event` (re-entry "once" unless `trigger` says otherwise), wait a day, exit. */
export const waitThenExit = (event: string, trigger: Record<string, unknown> = {}) =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event, reentry: 'once', ...trigger } },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->wait', 'wait->end'],
  );

/** wait 1 hour -> count laps on the profile -> loop while laps < `laps`: long-running and continue-as-new. */
export const lapsLoop = (laps: number): JourneyGraph =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'hours' } } },
      {
        id: 'count',
        type: 'update_profile',
        config: { operations: [{ path: 'laps', op: 'increment', value: 1 }] },
      },
      {
        id: 'more',
        type: 'condition',
        config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'laps', op: 'lt', value: laps }] },
      },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->wait', 'wait->count', 'count->more', 'more:yes->wait', 'more:no->end'],
  );

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
