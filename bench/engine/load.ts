// HTTP load over real sockets (Node's fetch, i.e. undici with keep-alive) and the statistics the phases report.
import { randomUUID } from 'node:crypto';

/** Server errors answered during the run; each request is retried (as a Segment client would) and counted. */
export const serverErrors: { count: number; last: string | null } = { count: 0, last: null };
const RETRIES = 5;

/** A track call (it has a `userId`) gets a messageId, so a retry is deduplicated as a Segment client's is. */
export async function post(url: string, payload: unknown, key?: string): Promise<unknown> {
  const body =
    payload && typeof payload === 'object' && 'userId' in payload && !('messageId' in payload)
      ? { ...payload, messageId: randomUUID() }
      : payload;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.ok) return text ? JSON.parse(text) : null;
    const problem = `POST ${url} answered ${res.status}: ${text.slice(0, 300)}`;
    if (res.status < 500 || attempt > RETRIES) throw new Error(problem);
    serverErrors.count++;
    serverErrors.last = problem;
    await sleep(250 * attempt);
  }
}

export async function get(url: string, key?: string): Promise<unknown> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return res.json();
}

/** Runs `count` tasks, `concurrency` at a time (closed loop); returns the wall time in seconds. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Starts task i at i / perSecond seconds (open loop, whatever is still in flight). */
export async function atRate(count: number, perSecond: number, task: (i: number) => Promise<unknown>) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const due = started + (i * 1000) / perSecond;
      await sleep(Math.max(0, due - performance.now()));
      await task(i);
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

/** Median of the rounds and their spread (min and max). */
export function summarise(rounds: number[]): Summary {
  return { median: percentile(rounds, 50), min: Math.min(...rounds), max: Math.max(...rounds), rounds };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
