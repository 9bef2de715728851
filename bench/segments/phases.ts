// The segment benchmark's phases, all through the API over real HTTP; each drains before the next.
import { COLLECTIONS } from '@itinera/schemas';
import { routed } from '../engine/journeys.ts';
import { atRate, get, percentile, pool, post, until } from '../engine/load.ts';
import type { Stack } from '../engine/stack.ts';
import { BACKFILL_SEGMENT, SEGMENTS } from './rules.ts';
import { CATEGORIES, customerId, neverPurchased } from './seed.ts';

type Itinera = Stack['itinera'];
interface DbOps {
  total: number;
  byCommand: Record<string, number>;
  byShape: Record<string, { count: number; ms: number }>;
}
const dbOps = (it: Itinera) => get(`${it.url}/v1/debug/db-ops`, it.key) as Promise<DbOps>;

/** The customers a phase tracks into: `count` of the loaded ones from `offset`, skipping the latency cohort. */
export function cohort(offset: number, count: number, customers: number): string[] {
  const ids: string[] = [];
  for (let i = offset; ids.length < count && i < offset + customers; i++)
    if (!neverPurchased(i % customers)) ids.push(customerId(i % customers));
  return ids;
}

const trackFor = (it: Itinera, id: string, i: number) =>
  post(
    `${it.url}/v1/track`,
    i % 2
      ? { userId: id, event: 'viewed', properties: { category: CATEGORIES[i % 4] } }
      : {
          userId: id,
          event: 'purchased',
          properties: { amount: 40 + (i % 200), category: CATEGORIES[i % 4] },
        },
    it.key,
  );

const round = (x: number) => Math.round(x * 100) / 100;

/** True when no accepted event waits to be routed. */
export const nothingPending = async (it: Itinera) =>
  (await it.db.collection(COLLECTIONS.pendingRoutes).countDocuments()) === 0;

/**
 * Tracks per second, closed loop, as answered and as sustained (until routed and drained); with the API's
 * store commands per track.
 */
export async function ingestionRate(
  it: Itinera,
  ids: string[],
  tracks: number,
  concurrency: number,
  drained: () => Promise<number>,
) {
  const before = await dbOps(it);
  const started = performance.now();
  const seconds = await pool(tracks, concurrency, (i) => trackFor(it, ids[i % ids.length], i));
  await routed(it.db);
  const drainedSeconds = ((await drained()) - started) / 1000;
  const after = await dbOps(it);
  const byCommand: Record<string, number> = {};
  for (const [name, n] of Object.entries(after.byCommand)) {
    const delta = n - (before.byCommand[name] ?? 0) - (name === 'find' ? 1 : 0);
    if (delta > 0) byCommand[name] = Math.round((delta / tracks) * 100) / 100;
  }
  // Where the store's time went, per track: the costliest command shapes (kind, collection, filter keys).
  const storeMsByShape = Object.entries(after.byShape)
    .map(([shape, { count, ms }]) => {
      const was = before.byShape[shape] ?? { count: 0, ms: 0 };
      return { shape, perTrack: (count - was.count) / tracks, msPerTrack: (ms - was.ms) / tracks };
    })
    .filter((s) => s.perTrack > 0)
    .sort((a, b) => b.msPerTrack - a.msPerTrack)
    .slice(0, 20)
    .map((s) => ({ ...s, perTrack: round(s.perTrack), msPerTrack: round(s.msPerTrack) }));
  return {
    perSecond: tracks / seconds,
    /** Until every event was routed and every workflow task it caused was run. */
    sustainedPerSecond: tracks / drainedSeconds,
    dbOpsPerTrack: (after.total - before.total - 1) / tracks,
    byCommand,
    storeMsByShape,
  };
}

async function waitReady(it: Itinera, ids: string[], timeoutMs: number) {
  await until(
    `segments ${ids.join(', ')} to be ready`,
    async () => {
      const views = (await get(`${it.url}/v1/segments`, it.key)) as { id: string; status: string }[];
      return ids.every((id) => views.find((v) => v.id === id)?.status === 'ready');
    },
    timeoutMs,
    250,
  );
}

/** Creates the 20 segments and waits for their backfills; returns the seconds it took. */
export async function defineSegments(it: Itinera, timeoutMs: number) {
  const started = performance.now();
  for (const segment of SEGMENTS) await post(`${it.url}/v1/segments`, segment, it.key);
  await waitReady(
    it,
    SEGMENTS.map((s) => s.id),
    timeoutMs,
  );
  await routed(it.db);
  return (performance.now() - started) / 1000;
}

/** Seconds from creating one more segment to its backfill over every customer being done. */
export async function backfillSeconds(it: Itinera, id: string, timeoutMs: number) {
  const started = performance.now();
  await post(`${it.url}/v1/segments`, BACKFILL_SEGMENT(id), it.key);
  await waitReady(it, [id], timeoutMs);
  const seconds = (performance.now() - started) / 1000;
  await routed(it.db);
  const members = await it.db.collection(COLLECTIONS.segmentMembers).countDocuments({ segmentId: id });
  return { seconds, members };
}

/**
 * Customers who never purchased get their first purchase at `perSecond` (open loop); each one's latency is
 * from its `track` answered 2xx to `GET /v1/customers/:id/segments` first showing them in `b-buyer`.
 */
export async function membershipLatency(it: Itinera, customers: number, count: number, perSecond: number) {
  const ids: string[] = [];
  for (let i = 0; ids.length < count && i < customers; i++) if (neverPurchased(i)) ids.push(customerId(i));
  const latencies: number[] = [];
  let polls = 0;
  await atRate(ids.length, perSecond, async (i) => {
    const id = ids[i];
    await post(`${it.url}/v1/track`, { userId: id, event: 'purchased', properties: { amount: 75 } }, it.key);
    const answered = performance.now();
    await until(
      `${id} to show in b-buyer`,
      async () => {
        polls++;
        const view = (await get(`${it.url}/v1/customers/${id}/segments`, it.key)) as {
          segments: { segmentId: string }[];
        };
        return view.segments.some((s) => s.segmentId === 'b-buyer');
      },
      60_000,
      20,
    );
    latencies.push(performance.now() - answered);
  });
  await routed(it.db);
  return {
    ratePerSecond: perSecond,
    samples: latencies.length,
    pollsPerSample: polls / Math.max(1, latencies.length),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
}
