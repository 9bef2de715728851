// P5: a growing population of customers parked on a timer: the time to enroll each step's newcomers, the
// worker's resident memory and the store's size on disk once they all wait.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { allWaiting, chain, publish, routed } from '../journeys.ts';
import { pool, post } from '../load.ts';
import type { Stack } from '../stack.ts';

export interface PopulationStep {
  waiting: number;
  enrollSeconds: number;
  enrolledPerSecond: number;
  workerRssMb: number;
  apiRssMb: number;
  storeMb: number;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

/** Size on disk of the store's data folder (NaN for an external store, which has none here). */
function diskMb(dir: string): number {
  try {
    return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024;
  } catch {
    return Number.NaN;
  }
}

export async function population(
  stack: Stack,
  steps: number[],
  concurrency: number,
): Promise<PopulationStep[]> {
  const { itinera } = stack;
  const week = { mode: 'duration', duration: { amount: 1, unit: 'weeks' } };
  const journeyId = await publish(itinera, 'p5', chain('p5', ['trigger', 'wait', 'exit'], { 1: week }));
  const figures: PopulationStep[] = [];
  let enrolled = 0;
  for (const target of steps) {
    const from = enrolled;
    const count = target - from;
    const started = Date.now();
    await pool(count, concurrency, (i) =>
      post(`${itinera.url}/v1/track`, { userId: `p5-${from + i}`, event: 'p5' }, itinera.key),
    );
    await allWaiting(itinera.db, journeyId, target, 3_600_000);
    await routed(itinera.db);
    const enrollSeconds = (Date.now() - started) / 1000;
    enrolled = target;
    figures.push({
      waiting: target,
      enrollSeconds,
      enrolledPerSecond: count / enrollSeconds,
      workerRssMb: rssMb(itinera.workerPid),
      apiRssMb: rssMb(itinera.apiPid),
      storeMb: diskMb(stack.storeDir),
    });
  }
  return figures;
}
