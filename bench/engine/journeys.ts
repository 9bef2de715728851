// The journeys the phases run, as Itinera graphs (created and published over HTTP) and as the hand-coded
// baseline's step lists, plus the waits that tell a phase its work has drained.
import { COLLECTIONS, type JourneyGraph, type JourneyNode } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { graph } from '../../test/support/journeys.ts';
import type { BaselineInput, BaselineStep } from './baseline/workflow.ts';
import { post, until } from './load.ts';
import type { Side, Stack } from './stack.ts';

/** 1 s (durations are in minutes at the finest). */
const ONE_SECOND = { amount: 1 / 60, unit: 'minutes' } as const;
export const WAIT_MS = 1000;
export const EVENT_TIMEOUT_MS = 1000;

type Node = Omit<JourneyNode, 'position'>;
const NODES: Record<Exclude<BaselineStep, 'trigger'>, Omit<Node, 'id'>> = {
  send: { type: 'send', config: { channel: 'email', to: 'x@example.com', body: 'hi' } },
  wait: { type: 'wait', config: { mode: 'duration', duration: ONE_SECOND } },
  wait_for_event: { type: 'wait_for_event', config: { event: 'never', timeout: ONE_SECOND } },
  condition: {
    type: 'condition',
    config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
  },
  exit: { type: 'exit', config: {} },
};
const PORTS: Partial<Record<BaselineStep, string[]>> = {
  wait_for_event: ['happened', 'timed_out'],
  condition: ['yes', 'no'],
};

/** The reference journey: trigger, send, wait 1 s, wait-for-event (1 s timeout), condition, send, exit. */
export const REFERENCE: BaselineStep[] = [
  'trigger',
  'send',
  'wait',
  'wait_for_event',
  'condition',
  'send',
  'exit',
];

/** A chain of `steps` entered on `event`; every output port of a step leads to the next one. */
export function chain(event: string, steps: BaselineStep[], overrides: Record<number, Node['config']> = {}) {
  const nodes: Node[] = steps.map((step, i) =>
    step === 'trigger'
      ? { id: 'n0', type: 'trigger', config: { kind: 'event', event, reentry: 'once' } }
      : { id: `n${i}`, ...NODES[step], config: overrides[i] ?? NODES[step].config },
  );
  const edges = steps
    .slice(0, -1)
    .flatMap((step, i) => (PORTS[step] ?? ['next']).map((port) => `n${i}:${port}->n${i + 1}`));
  return graph(nodes, edges);
}

export async function publish(itinera: Stack['itinera'], name: string, g: JourneyGraph): Promise<string> {
  const { id } = (await post(`${itinera.url}/v1/journeys`, { name, graph: g }, itinera.key)) as {
    id: string;
  };
  await post(`${itinera.url}/v1/journeys/${id}/publish`, {}, itinera.key);
  return id;
}

/** Registers the hand-coded journey with the bare route; its enrollments are `${journeyId}:${customer}`. */
export async function registerBaseline(
  baseline: Side,
  triggerEvent: string,
  steps: BaselineStep[],
  waitFor = 'never',
  eventTimeoutMs = EVENT_TIMEOUT_MS,
) {
  const journey: Omit<BaselineInput, 'enrollmentId' | 'customerId'> = {
    journeyId: triggerEvent,
    steps,
    waitMs: WAIT_MS,
    eventTimeoutMs,
    waitFor,
  };
  const res = await fetch(`${baseline.url}/journeys`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...journey, triggerEvent }),
  });
  if (!res.ok) throw new Error(`registering the baseline journey answered ${res.status}`);
  return triggerEvent;
}

const enrollments = (db: Db) => db.collection(COLLECTIONS.enrollments);

/** No accepted event is still waiting to be routed. */
export async function routed(db: Db, timeoutMs = 600_000) {
  await until(
    'pending_routes to empty',
    async () => (await db.collection(COLLECTIONS.pendingRoutes).countDocuments()) === 0,
    timeoutMs,
  );
}

/** All `count` enrollments of the journey ended; returns their latest end time (epoch ms). */
export async function allEnded(db: Db, journeyId: string, count: number, timeoutMs = 900_000) {
  await until(
    `${count} enrollments of ${journeyId} to end`,
    async () => (await enrollments(db).countDocuments({ journeyId, status: { $ne: 'active' } })) >= count,
    timeoutMs,
  );
  const ended = await enrollments(db)
    .find({ journeyId }, { projection: { endedAt: 1, status: 1 } })
    .toArray();
  const failed = ended.filter((e) => e.status !== 'completed');
  if (failed.length > 0)
    throw new Error(`${failed.length} enrollments of ${journeyId} ended ${failed[0].status}`);
  return Math.max(...ended.map((e) => Date.parse(e.endedAt as string)));
}

/** All `count` enrollments of the journey are parked in a wait. */
export async function allWaiting(db: Db, journeyId: string, count: number, timeoutMs = 900_000) {
  await until(
    `${count} enrollments of ${journeyId} to wait`,
    async () => (await enrollments(db).countDocuments({ journeyId, waitingFor: { $ne: null } })) >= count,
    timeoutMs,
    500,
  );
}
