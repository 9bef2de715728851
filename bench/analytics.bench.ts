// Opening a journey's analytics with many enrollments: Itinera's report (hourly rollups) against the naive
// aggregate over every enrollment, step and delivery, both over real HTTP in the same run on the same store.
// `npm run bench:analytics -- [--enrollments=5000] [--days=7] [--rounds=7] [--out=file.json] [--smoke]`
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { buildApp } from '../engine/src/app.ts';
import { connectDatabase } from '../engine/src/db.ts';
import { createApiKey } from '../engine/src/plugins/auth.ts';
import { freePort, startMongo } from '../scripts/lib/servers.mjs';
import { compareFlat } from './analytics/flat.ts';
import { foldPhases, timed } from './analytics/fold-phases.ts';
import { naiveAnalytics } from './analytics/naive.ts';
import { JOURNEY } from './analytics/seed.ts';

const SMALL = 'bench-small';
const SMALL_SIZE = 1_000;

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const smoke = process.argv.includes('--smoke');
const enrollments = arg('enrollments', smoke ? 500 : 5_000);
const days = arg('days', smoke ? 2 : 7);
const rounds = arg('rounds', smoke ? 2 : 7);
const out = process.argv.find((a) => a.startsWith('--out='))?.slice(6);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const log = (line: string) => console.error(`[bench:analytics] ${line}`);
const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-analytics-'));
const store = await startMongo({
  dataDir: join(dir, 'store'),
  logFile: join(dir, 'store.log'),
  durable: false,
});
const { client, db } = await connectDatabase(store.url, `bench_analytics_${Date.now().toString(36)}`);
try {
  log(`store ${store.url}; ${enrollments} enrollments against ${SMALL_SIZE} over ${days} days`);
  const endMs = Date.now();
  // The same-run baseline for the fold and for opening a journey's analytics: a 1,000-enrollment journey.
  const sizes = { big: enrollments, small: SMALL_SIZE, smallJourney: SMALL };
  const { seedMs, foldMs, idleFoldMs, busyFoldMs, buckets, fold } = await foldPhases(
    db,
    sizes,
    days,
    endMs,
    log,
  );
  // The routes read no Temporal; a lazy connection is never dialled.
  const temporal = { client: new Client({ connection: Connection.lazy() }), taskQueue: 'unused' };
  const app = await buildApp({ db, temporal, editorDir: '/nonexistent' });
  const key = await createApiKey(db, 'support', 'bench');
  const itineraUrl = await app.listen({ host: '127.0.0.1', port: await freePort() });
  const baseline = Fastify();
  baseline.get<{ Querystring: { from: string; to: string } }>('/naive', (req) =>
    naiveAnalytics(db, JOURNEY, req.query.from, req.query.to),
  );
  const baselineUrl = await baseline.listen({ host: '127.0.0.1', port: await freePort() });

  const from = new Date(endMs - days * 86_400_000).toISOString();
  const to = new Date(endMs + 3_600_000).toISOString();
  const query = `from=${from}&to=${to}`;
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const itinera = () =>
    get(`${itineraUrl}/v1/journeys/${JOURNEY}/analytics?${query}`, { authorization: `Bearer ${key}` });
  const naive = () => get(`${baselineUrl}/naive?${query}`);
  // Same work: both answer the same headline figures.
  const [report, plain] = await Promise.all([itinera(), naive()]);
  const same = ['entered', 'converted', 'waiting'].every((k) => report.summary[k] === plain[k]);
  if (!same) throw new Error(`figures differ: ${JSON.stringify(report.summary)} vs ${JSON.stringify(plain)}`);
  const api = (path: string) => get(`${itineraUrl}${path}`, { authorization: `Bearer ${key}` });
  // Hand count of the seed (every tenth entrant held out, the rest split by parity) against the results.
  const total = enrollments + 100;
  const heldOut = Math.floor(enrollments / 10) + (enrollments % 10 > 3 ? 1 : 0) + 10;
  const holdout = await api(`/v1/journeys/${JOURNEY}/holdout`);
  const experiment = await api(`/v1/journeys/${JOURNEY}/experiments/ab`);
  const entered = (body: { arms: { entered: number }[] }) => body.arms.reduce((n, a) => n + a.entered, 0);
  if (
    holdout.arms[1].entered !== heldOut ||
    entered(holdout) !== total ||
    entered(experiment) !== total - heldOut
  )
    throw new Error(`arms differ from the seed: ${JSON.stringify({ holdout, experiment })}`);

  const times = { itinera: [] as number[], naive: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    times.itinera.push((await timed(itinera))[0]);
    times.naive.push((await timed(naive))[0]);
  }
  const flatRounds = smoke ? 3 : 21;
  const flat = await compareFlat(api, { big: JOURNEY, small: SMALL }, query, flatRounds);
  const result = {
    store: `${store.kind}${'backend' in store && store.backend ? ` (${store.backend})` : ''}`,
    enrollments,
    days,
    rounds,
    facts: {
      steps: await db.collection(COLLECTIONS.steps).countDocuments(),
      deliveries: await db.collection(COLLECTIONS.deliveries).countDocuments(),
      rollupBuckets: buckets,
    },
    seedMs: Math.round(seedMs),
    backfillFoldMs: Math.round(foldMs),
    idleFoldMs: Math.round(idleFoldMs),
    busyFoldMs: Math.round(busyFoldMs),
    fold,
    openAnalytics: { rounds: flatRounds, smallJourney: SMALL_SIZE, ...flat },
    openReportMs: { itinera: Math.round(median(times.itinera)), naive: Math.round(median(times.naive)) },
    ratio: Number((median(times.naive) / median(times.itinera)).toFixed(1)),
  };
  console.log(JSON.stringify(result, null, 2));
  if (out) writeFileSync(out, JSON.stringify(result, null, 2));
  await app.close();
  await baseline.close();
} finally {
  await db.dropDatabase().catch(() => undefined);
  await client.close();
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
}
