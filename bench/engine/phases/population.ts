// P5: a growing population of customers parked on a timer: the time to enroll each step's newcomers, the
// worker's resident memory and the store's size on disk once they all wait.
import { readFileSync } from 'node:fs';
import type { Db } from 'mongodb';
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

/** The store's own account of the database's size (data and indexes), in MB. */
async function storeMb(db: Db): Promise<number> {
  const stats = await db.command({ dbStats: 1 });
  const bytes = Number(stats.totalSize ?? Number(stats.storageSize ?? 0) + Number(stats.indexSize ?? 0));
  return bytes / 2 ** 20;
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
      storeMb: await storeMb(itinera.db),
    });
  }
  return figures;
}
