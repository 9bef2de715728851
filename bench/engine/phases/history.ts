// P4: Temporal history events per node type (a journey with the node minus one without it) and per unrelated
// event delivered to a waiting enrollment, Itinera against the hand-coded workflow.
import { COLLECTIONS } from '@itinera/schemas';
import type { BaselineStep } from '../baseline/workflow.ts';
import { allEnded, allWaiting, chain, publish, REFERENCE, registerBaseline, routed } from '../journeys.ts';
import { post, sleep } from '../load.ts';
import type { Stack } from '../stack.ts';

const NODE_TYPES: BaselineStep[] = ['send', 'wait', 'wait_for_event', 'condition'];
const UNRELATED_EVENTS = 5;

export interface HistoryFigures {
  reference: { itinera: number; baseline: number };
  perNodeType: Record<string, { itinera: number; baseline: number }>;
  perUnrelatedEvent: { itinera: number; baseline: number };
}

async function historyLength(stack: Stack, workflowId: string): Promise<number> {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? 0;
}

/** Runs `steps` for one customer on both sides; returns each side's history length once it ended. */
async function runBoth(stack: Stack, name: string, steps: BaselineStep[]) {
  const { itinera, baseline } = stack;
  const journeyId = await publish(itinera, name, chain(name, steps));
  await registerBaseline(baseline, `${name}_b`, steps);
  // One customer per journey, so no run sees another's events.
  const userId = `p4-${name}`;
  await post(`${itinera.url}/v1/track`, { userId, event: name }, itinera.key);
  await post(`${baseline.url}/track`, { userId, event: `${name}_b` });
  await allEnded(itinera.db, journeyId, 1);
  await allEnded(baseline.db, `${name}_b`, 1);
  const enrollment = await itinera.db.collection(COLLECTIONS.enrollments).findOne({ journeyId });
  return {
    itinera: await historyLength(stack, String(enrollment?._id)),
    baseline: await historyLength(stack, `${name}_b:${userId}`),
  };
}

/** History growth of an enrollment parked in a wait-for-event while the customer does unrelated things. */
async function unrelated(stack: Stack) {
  const { itinera, baseline } = stack;
  const steps: BaselineStep[] = ['trigger', 'wait_for_event', 'exit'];
  const hour = { event: 'p4_wake', timeout: { amount: 1, unit: 'hours' } };
  const journeyId = await publish(itinera, 'p4_park', chain('p4_park', steps, { 1: hour }));
  await registerBaseline(baseline, 'p4_park_b', steps, 'p4_wake', 3_600_000);
  await post(`${itinera.url}/v1/track`, { userId: 'p4-park', event: 'p4_park' }, itinera.key);
  await post(`${baseline.url}/track`, { userId: 'p4-park', event: 'p4_park_b' });
  await allWaiting(itinera.db, journeyId, 1);
  await allWaiting(baseline.db, 'p4_park_b', 1);
  const enrollment = await itinera.db.collection(COLLECTIONS.enrollments).findOne({ journeyId });
  const ids = { itinera: String(enrollment?._id), baseline: 'p4_park_b:p4-park' };
  const before = {
    itinera: await historyLength(stack, ids.itinera),
    baseline: await historyLength(stack, ids.baseline),
  };
  for (let i = 0; i < UNRELATED_EVENTS; i++) {
    await post(`${itinera.url}/v1/track`, { userId: 'p4-park', event: 'p4_unrelated' }, itinera.key);
    await post(`${baseline.url}/track`, { userId: 'p4-park', event: 'p4_unrelated' });
  }
  await routed(itinera.db);
  await sleep(1000); // signals are delivered by now; let the workflow tasks they cause complete
  const perEvent = async (side: 'itinera' | 'baseline') =>
    ((await historyLength(stack, ids[side])) - before[side]) / UNRELATED_EVENTS;
  const figures = { itinera: await perEvent('itinera'), baseline: await perEvent('baseline') };
  await post(`${itinera.url}/v1/track`, { userId: 'p4-park', event: 'p4_wake' }, itinera.key);
  await allEnded(itinera.db, journeyId, 1);
  await stack.temporal.workflow.getHandle(ids.baseline).signal('event', { event: 'p4_wake' });
  await allEnded(baseline.db, 'p4_park_b', 1);
  return figures;
}

export async function historyFigures(stack: Stack): Promise<HistoryFigures> {
  const [reference, empty, ...withNode] = await Promise.all([
    runBoth(stack, 'p4_reference', REFERENCE),
    runBoth(stack, 'p4_empty', ['trigger', 'exit']),
    ...NODE_TYPES.map((type) => runBoth(stack, `p4_${type}`, ['trigger', type, 'exit'])),
  ]);
  const perNodeType: HistoryFigures['perNodeType'] = {};
  NODE_TYPES.forEach((type, i) => {
    perNodeType[type] = {
      itinera: withNode[i].itinera - empty.itinera,
      baseline: withNode[i].baseline - empty.baseline,
    };
  });
  return { reference, perNodeType, perUnrelatedEvent: await unrelated(stack) };
}
