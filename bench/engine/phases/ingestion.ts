// P2: track throughput for new entries and into already-enrolled customers, against a bare route that parses
// and stores the same event document, with the API's store commands per track.
// P3: latency from a track answered 2xx to the next node starting after a wait-for-event, at half the P2 rate.
import { COLLECTIONS } from '@itinera/schemas';
import { allEnded, allWaiting, chain, publish, routed } from '../journeys.ts';
import { atRate, get, percentile, pool, post } from '../load.ts';
import type { Stack } from '../stack.ts';

export interface IngestionRound {
  newEntries: { itineraPerSecond: number; baselinePerSecond: number; dbOpsPerTrack: number };
  enrolled: { itineraPerSecond: number; baselinePerSecond: number; dbOpsPerTrack: number };
  dbOpsByCommand: { newEntries: Record<string, number>; enrolled: Record<string, number> };
  /** From the 2xx; negative when the next node started before the answer reached the client. */
  latencyMs: { p50: number; p95: number; p99: number; ratePerSecond: number; samples: number };
  /** The same from when the track was sent. */
  latencyFromSendMs: { p50: number; p99: number };
}

interface DbOps {
  total: number;
  byCommand: Record<string, number>;
}
const dbOps = (stack: Stack) =>
  get(`${stack.itinera.url}/v1/debug/db-ops`, stack.itinera.key) as Promise<DbOps>;

function perTrack(before: DbOps, after: DbOps, tracks: number) {
  const byCommand: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.byCommand)) {
    // The API key lookup of the request that read `after` is not the tracks' work.
    const delta = count - (before.byCommand[name] ?? 0) - (name === 'find' ? 1 : 0);
    if (delta > 0) byCommand[name] = Math.round((delta / tracks) * 100) / 100;
  }
  return { perTrack: (after.total - before.total - 1) / tracks, byCommand };
}

export async function ingestionRound(stack: Stack, round: number, n: number, concurrency: number) {
  const { itinera, baseline } = stack;
  const enter = `p2_r${round}`;
  const go = `p3_go_r${round}`;
  const customer = (i: number) => `p2-${round}-${i}`;
  const journeyId = await publish(
    itinera,
    enter,
    chain(enter, ['trigger', 'wait_for_event', 'exit'], {
      1: { event: go, timeout: { amount: 1, unit: 'hours' } },
    }),
  );
  const track = (event: string) => (i: number) =>
    post(`${itinera.url}/v1/track`, { userId: customer(i % n), event }, itinera.key);
  const bare = (event: string) => (i: number) =>
    post(`${baseline.url}/track`, { userId: customer(i % n), event });

  const opsBefore = await dbOps(stack);
  const newSeconds = await pool(n, concurrency, track(enter));
  await allWaiting(itinera.db, journeyId, n);
  await routed(itinera.db);
  const opsEntered = await dbOps(stack);
  const bareNewSeconds = await pool(n, concurrency, bare(enter));

  const tracks = n * 2;
  const enrolledSeconds = await pool(tracks, concurrency, track(`p2_noise_r${round}`));
  await routed(itinera.db);
  const opsEnrolled = await dbOps(stack);
  const bareEnrolledSeconds = await pool(tracks, concurrency, bare(`p2_noise_r${round}`));
  const newOps = perTrack(opsBefore, opsEntered, n);
  const enrolledOps = perTrack(opsEntered, opsEnrolled, tracks);

  const rate = tracks / enrolledSeconds / 2;
  const answeredAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  await atRate(n, rate, async (i) => {
    sentAt.set(customer(i), Date.now());
    await track(go)(i);
    answeredAt.set(customer(i), Date.now());
  });
  await allEnded(itinera.db, journeyId, n);
  await routed(itinera.db);
  const steps = await itinera.db
    .collection(COLLECTIONS.steps)
    .find({ journeyId, nodeId: 'n1' }, { projection: { customerId: 1, at: 1 } })
    .toArray();
  const since = (from: Map<string, number>) =>
    steps.map((s) => Date.parse(s.at as string) - (from.get(s.customerId as string) ?? Number.NaN));
  const latencies = since(answeredAt);
  const fromSend = since(sentAt);

  return {
    newEntries: {
      itineraPerSecond: n / newSeconds,
      baselinePerSecond: n / bareNewSeconds,
      dbOpsPerTrack: newOps.perTrack,
    },
    enrolled: {
      itineraPerSecond: tracks / enrolledSeconds,
      baselinePerSecond: tracks / bareEnrolledSeconds,
      dbOpsPerTrack: enrolledOps.perTrack,
    },
    dbOpsByCommand: { newEntries: newOps.byCommand, enrolled: enrolledOps.byCommand },
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      ratePerSecond: rate,
      samples: latencies.length,
    },
    latencyFromSendMs: { p50: percentile(fromSend, 50), p99: percentile(fromSend, 99) },
  } satisfies IngestionRound;
}
