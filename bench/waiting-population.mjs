/**
 * P5 with real waiting enrollments: `npm start` (scripts/start.mjs, the embedded default: Temporal dev server on
 * its SQLite file, FerretDB on embedded PostgreSQL, API and worker as their own processes) on ports of its own;
 * N customers enter a journey through `POST /v1/track` and each waits 30 days in a real Temporal workflow; then
 * `track` latency at a steady rate (new entries, and unrelated events to waiting customers), the customer page
 * (the editor's four GETs in parallel), the customer list, and every process's resident memory.
 * Progress goes to stdout and to <data dir>/progress.log; the figures to <data dir>/figures.json.
 * Run: npm run bench:waiting [-- --customers 100000 --concurrency 16 --until 13:10 --rate 20 --seconds 30]
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { freePort } from '../scripts/lib/servers.mjs';
import { ROOT } from '../scripts/lib/tools.mjs';
import { atRate, percentile, pool, post, serverErrors, sleep } from './engine/load.ts';
import { VISIT_THEN_WAIT } from './store-trial/data.mjs';
import { processUsage } from './waiting-population/usage.mjs';

const { values: args } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    until: { type: 'string' }, // HH:MM UTC: stop enrolling then and measure at the size reached
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    dir: { type: 'string', default: join(ROOT, '.artifacts', 'waiting-population') },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.customers);
const RATE = Number(args.rate);
const COUNT = Math.round(Number(args.seconds) * RATE);
const stopAt = args.until ? new Date(`${new Date().toISOString().slice(0, 10)}T${args.until}:00Z`) : null;
const dir = args.dir;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const log = (line) => {
  const stamped = `${new Date().toISOString().slice(11, 19)} ${line}`;
  console.log(stamped);
  appendFileSync(join(dir, 'progress.log'), `${stamped}\n`);
};

// 1. npm start, on ports of its own
const ports = {
  PORT: await freePort(),
  TEMPORAL_PORT: await freePort(),
  TEMPORAL_UI_PORT: await freePort(),
  MONGO_PORT: await freePort(),
  TEMPORAL_TEST_SERVER_PORT: await freePort(),
};
const env = { ...process.env, ITINERA_DATA_DIR: dir, ITINERA_SKIP_EDITOR_BUILD: '1', LOG_LEVEL: 'warn' };
for (const [k, v] of Object.entries(ports)) env[k] = String(v);
for (const k of ['MONGODB_URI', 'TEMPORAL_ADDRESS', 'ITINERA_TEST_RUN_TEMPORAL_ADDRESS']) delete env[k];
const started = performance.now();
const product = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const running = new Promise((resolve, reject) => {
  product.on('exit', (code) => reject(new Error(`npm start exited (${code}); see ${dir}/logs`)));
  product.stdout.on('data', (chunk) => {
    appendFileSync(join(dir, 'start.log'), chunk);
    if (/Itinera is running/.test(String(chunk))) resolve();
  });
  product.stderr.on('data', (chunk) => appendFileSync(join(dir, 'start.log'), chunk));
});
await running;
log(`npm start ready in ${((performance.now() - started) / 1000).toFixed(1)} s on port ${ports.PORT}`);
const base = `http://127.0.0.1:${ports.PORT}`;
const key = readFileSync(join(dir, 'admin-key.txt'), 'utf8').trim();
const headers = { authorization: `Bearer ${key}` };

// 2. the journey: every customer who visits waits 30 days
const journey = await post(`${base}/v1/journeys`, VISIT_THEN_WAIT, key);
await post(`${base}/v1/journeys/${journey.id}/publish`, {}, key);
// Counted in the store by equality (the journey's live counts aggregate every enrollment and, at 94k, did not
// answer within the bench's patience): enrollments whose workflow has recorded reaching the wait.
const store = await MongoClient.connect(`mongodb://127.0.0.1:${ports.MONGO_PORT}/`);
const waitingCount = () =>
  store
    .db('itinera')
    .collection('enrollments')
    .countDocuments({ journeyId: journey.id, currentNodeId: 'wait' });

// 3. enrolling, closed loop, until N or the deadline
let tracked = 0;
const before = processUsage(product.pid);
const enrollStart = performance.now();
const progress = setInterval(() => {
  const s = (performance.now() - enrollStart) / 1000;
  log(
    `tracked ${tracked} in ${s.toFixed(0)} s (${(tracked / s).toFixed(1)}/s), 5xx retried ${serverErrors.count}`,
  );
}, 30_000);
await pool(N, Number(args.concurrency), async (i) => {
  if (stopAt && Date.now() > stopAt.getTime()) return;
  await post(`${base}/v1/track`, { userId: `c-${i}`, event: 'visit', messageId: `enter-${i}` }, key);
  tracked++;
});
clearInterval(progress);
const trackSeconds = (performance.now() - enrollStart) / 1000;
log(
  `tracked ${tracked} entries in ${trackSeconds.toFixed(0)} s; waiting for every workflow to reach its wait`,
);
let waiting = 0;
// Every 30 s: at 100k the count itself reads every enrollment of the journey (FerretDB filters
// `currentNodeId` itself) and took 10-30 s, so counting more often slowed what it waited for.
for (let last = -1, stuckSince = Date.now(); Date.now() - stuckSince < 300_000; await sleep(30_000)) {
  waiting = await waitingCount().catch(() => waiting);
  log(`waiting ${waiting} of ${tracked}`);
  if (waiting >= tracked) break;
  if (waiting !== last) stuckSince = Date.now();
  last = waiting;
}
const enrollSeconds = (performance.now() - enrollStart) / 1000;
log(`${waiting} waiting after ${enrollSeconds.toFixed(0)} s (${(waiting / enrollSeconds).toFixed(1)}/s)`);
const figures = {
  at: new Date().toISOString(),
  customers: tracked,
  waiting,
  concurrency: Number(args.concurrency),
  enrollSeconds,
  enrolledPerSecond: waiting / enrollSeconds,
  serverErrorsWhileEnrolling: serverErrors.count,
  temporalDbMb: statSync(join(dir, 'temporal', 'temporal.db')).size / 2 ** 20,
};
{
  const { memoryMb, cpuSeconds } = processUsage(product.pid);
  figures.memoryMb = memoryMb;
  // CPU time per enrollment holds up on a shared machine, where the rate mostly shows the other load
  figures.cpuMsPerEnteredCustomer = Object.fromEntries(
    Object.entries(cpuSeconds).map(([part, s]) => [
      part,
      Math.round(((s - (before.cpuSeconds[part] ?? 0)) * 1000) / tracked),
    ]),
  );
}
log(`memory MB ${JSON.stringify(figures.memoryMb)}; temporal.db ${figures.temporalDbMb.toFixed(0)} MB`);
log(`CPU ms per entered customer ${JSON.stringify(figures.cpuMsPerEnteredCustomer)}`);

// 4. track at a steady rate (open loop): new customers entering, then unrelated events to waiting ones
const timed = async (path, payload) => {
  const sent = performance.now();
  const res = await fetch(`${base}${path}`, {
    method: payload ? 'POST' : 'GET',
    headers: payload ? { ...headers, 'content-type': 'application/json' } : headers,
    body: payload && JSON.stringify(payload),
  });
  await res.arrayBuffer();
  if (!res.ok) figures.failures = [...(figures.failures ?? []), `${path} ${res.status}`];
  return performance.now() - sent;
};
const spread = (xs) =>
  Object.fromEntries([50, 95, 99, 100].map((p) => [`p${p}`, Math.round(percentile(xs, p))]));
const steady = async (name, payload) => {
  const latencies = [];
  await atRate(COUNT, RATE, async (i) => latencies.push(await timed('/v1/track', payload(i))));
  figures[name] = spread(latencies);
  log(`${name} at ${RATE}/s (${COUNT}): ${JSON.stringify(figures[name])}`);
};
const someone = (i) => `c-${(i * 7919 + 17) % tracked}`;
await steady('trackNewEntry', (i) => ({ userId: `new-${i}`, event: 'visit', messageId: `new-${i}` }));
await steady('trackWaitingCustomer', (i) => ({ userId: someone(i), event: 'page', messageId: `page-${i}` }));

// 5. the customer page (the editor's four GETs in parallel) and the customer list's first page
const pages = [];
for (let i = 0; i < 20; i++) {
  const id = encodeURIComponent(someone(COUNT + i));
  const t0 = performance.now();
  await Promise.all(
    ['', '/events', '/enrollments', '/messages'].map((p) => timed(`/v1/customers/${id}${p}`)),
  );
  pages.push(performance.now() - t0);
}
figures.customerPage = spread(pages);
const list = [];
for (let i = 0; i < 3; i++) list.push(await timed('/v1/customers'));
figures.customerList = spread(list);
log(`customer page ${JSON.stringify(figures.customerPage)}; list ${JSON.stringify(figures.customerList)}`);
figures.memoryMbAfter = processUsage(product.pid).memoryMb;
writeFileSync(join(dir, 'figures.json'), JSON.stringify(figures, null, 2));
log(`figures in ${join(dir, 'figures.json')}`);

await store.close();
product.kill('SIGTERM');
await new Promise((r) => product.on('exit', r));
if (!args.keep) rmSync(join(dir, 'temporal'), { recursive: true, force: true });
process.exit(0);
