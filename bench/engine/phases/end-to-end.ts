// P1: end-to-end enrollment throughput of the reference journey, Itinera against the hand-coded workflow,
// from the first track to the last enrollment's end.
import { allEnded, chain, publish, REFERENCE, registerBaseline, routed } from '../journeys.ts';
import { pool, post } from '../load.ts';
import type { Stack } from '../stack.ts';

export interface EndToEndRound {
  itineraPerSecond: number;
  baselinePerSecond: number;
}

async function itineraRound(stack: Stack, round: number, n: number, concurrency: number) {
  const event = `p1_r${round}`;
  const journeyId = await publish(stack.itinera, event, chain(event, REFERENCE));
  const started = Date.now();
  await pool(n, concurrency, (i) =>
    post(`${stack.itinera.url}/v1/track`, { userId: `p1-${round}-${i}`, event }, stack.itinera.key),
  );
  const ended = await allEnded(stack.itinera.db, journeyId, n);
  await routed(stack.itinera.db);
  return n / ((ended - started) / 1000);
}

async function baselineRound(stack: Stack, round: number, n: number, concurrency: number) {
  const journeyId = await registerBaseline(stack.baseline, `p1b_r${round}`, REFERENCE);
  const started = Date.now();
  await pool(n, concurrency, (i) =>
    post(`${stack.baseline.url}/track`, { userId: `p1-${round}-${i}`, event: journeyId }),
  );
  const ended = await allEnded(stack.baseline.db, journeyId, n);
  return n / ((ended - started) / 1000);
}

/** One round; the side that goes first alternates so drift on a shared machine hits both alike. */
export async function endToEndRound(stack: Stack, round: number, n: number, concurrency: number) {
  const result: Partial<EndToEndRound> = {};
  const sides = [
    async () => {
      result.itineraPerSecond = await itineraRound(stack, round, n, concurrency);
    },
    async () => {
      result.baselinePerSecond = await baselineRound(stack, round, n, concurrency);
    },
  ];
  if (round % 2 === 1) sides.reverse();
  for (const side of sides) await side();
  return result as EndToEndRound;
}
