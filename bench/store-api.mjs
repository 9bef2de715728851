/**
 * The product target on the embedded store, measured through the real API over HTTP: with N customers and
 * N waiting enrollments loaded (default 100k each), `track` latency at a steady 20 events/s (open loop:
 * requests leave on schedule whatever the answers do) for a customer-triggered journey that waits 30 days,
 * and the customer page (the editor's four GETs in parallel). Starts its own Temporal dev server, store
 * (the embedded default unless ITINERA_EMBEDDED_BACKEND says otherwise), worker and API.
 * Run: npm run bench:store-api [-- --docs 20000 --seconds 30 --rate 20]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { buildApp } from '../engine/src/app.ts';
import { connectDatabase } from '../engine/src/db.ts';
import { createApiKey } from '../engine/src/plugins/auth.ts';
import { startMongo, startTemporalDev } from '../scripts/lib/servers.mjs';
import { ensureTools } from '../scripts/lib/tools.mjs';
import { createItineraWorker } from '../workers/src/worker.ts';
import { loadCustomers, storeDir, VISIT_THEN_WAIT } from './store-trial/data.mjs';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '20' },
  },
});
const N = Number(args.docs);
const RATE = Number(args.rate);
const COUNT = Math.round(Number(args.seconds) * RATE);
const PAGES = 20;

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (x) => `${x.toFixed(0)} ms`;
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const customer = (i) => `cust-${(i * 7919 + 17) % N}`;

Runtime.install({ logger: new DefaultLogger('WARN') });
ensureTools();
delete process.env.MONGODB_URI; // always the embedded store
const dir = storeDir('store-api');
const temporal = await startTemporalDev({ headless: true, logFile: join(dir, 'logs', 'temporal.log') });
const store = await startMongo({ dataDir: join(dir, 'mongo'), logFile: join(dir, 'logs', 'mongo.log') });
const { client: mongo, db } = await connectDatabase(store.url, 'bench');
let t0 = performance.now();
await loadCustomers(db, N);
console.log(
  `[${store.backend ?? store.kind}] loaded ${N} customers + ${N} waiting enrollments in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const connection = await Connection.connect({ address: temporal.address });
const nativeConnection = await NativeConnection.connect({ address: temporal.address });
const taskQueue = 'store-api-bench';
const worker = await createItineraWorker({ connection: nativeConnection, taskQueue, db });
const running = worker.run();
const app = await buildApp({
  db,
  temporal: { client: new Client({ connection }), taskQueue },
  editorDir: '/nonexistent',
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const headers = {
  authorization: `Bearer ${await createApiKey(db, 'admin', 'bench')}`,
  'content-type': 'application/json',
};
const api = (path, body) =>
  fetch(`${base}${path}`, { method: body ? 'POST' : 'GET', headers, body: body && JSON.stringify(body) });

const journey = await (await api('/v1/journeys', VISIT_THEN_WAIT)).json();
await api(`/v1/journeys/${journey.id}/publish`, {});

// warm-up: the worker's first workflow tasks and the API's first requests are not the steady state
for (let i = 0; i < 10; i++)
  await (await api('/v1/track', { userId: `warm-${i}`, event: 'visit' })).arrayBuffer();

const failures = [];
// one at a time: the service time of a track, without queueing behind other tracks
const single = [];
for (let i = 0; i < 20; i++) {
  const sent = performance.now();
  const res = await api('/v1/track', {
    userId: customer(N - 1 - i),
    event: 'visit',
    messageId: `single-${i}`,
  });
  single.push(performance.now() - sent);
  if (!res.ok) failures.push(res.status);
  await res.arrayBuffer();
}

const latencies = [];
t0 = performance.now();
await Promise.all(
  Array.from({ length: COUNT }, async (_, i) => {
    await sleep(Math.max(0, t0 + (i * 1000) / RATE - performance.now()));
    const sent = performance.now();
    const res = await api('/v1/track', { userId: customer(i), event: 'visit', messageId: `visit-${i}` });
    latencies.push(performance.now() - sent);
    if (!res.ok) failures.push(res.status);
    await res.arrayBuffer();
  }),
);
const trackSeconds = (performance.now() - t0) / 1000;

const pages = [];
for (let i = 0; i < PAGES; i++) {
  const id = encodeURIComponent(customer(COUNT + i));
  const started = performance.now();
  const answers = await Promise.all(
    ['', '/events', '/enrollments', '/messages'].map((p) => api(`/v1/customers/${id}${p}`)),
  );
  for (const a of answers) if (!a.ok) failures.push(a.status);
  await Promise.all(answers.map((a) => a.arrayBuffer()));
  pages.push(performance.now() - started);
}
// the list shows the customers whose profiles changed last: some change (identify), as in any working day
for (let i = 0; i < 60; i++)
  await (
    await api('/v1/identify', { userId: customer(COUNT + PAGES + i), traits: { seen: i } })
  ).arrayBuffer();
const list = [];
const formerList = []; // what the list did before the recent-customer slots: sort every profile
for (let i = 0; i < 3; i++) {
  let started = performance.now();
  const res = await api('/v1/customers');
  if (!res.ok) failures.push(res.status);
  await res.arrayBuffer();
  list.push(performance.now() - started);
  started = performance.now();
  await db.collection('profiles').find({}).sort({ updatedAt: -1 }).limit(50).toArray();
  formerList.push(performance.now() - started);
}

console.log(`\n${N} customers + ${N} waiting enrollments, ${store.kind} ${store.backend ?? ''}`);
console.log(`| measure | p50 | p95 | p99 | max |\n|---|---|---|---|---|`);
const row = (name, xs) =>
  console.log(`| ${name} | ${[0.5, 0.95, 0.99, 1].map((q) => ms(quantile(xs, q))).join(' | ')} |`);
row('track, one at a time (20)', single);
row(`track at ${RATE}/s (${COUNT} over ${trackSeconds.toFixed(1)} s)`, latencies);
row(`customer page, 4 GETs in parallel (${PAGES} customers)`, pages);
row('customer list (GET /v1/customers, 50 most recent, 3 runs)', list);
row('its former query: every profile sorted by updatedAt, limit 50 (3 runs)', formerList);
console.log(failures.length ? `non-2xx answers: ${failures.join(', ')}` : 'every answer was 2xx');

await app.close();
worker.shutdown();
await running;
await nativeConnection.close();
await connection.close();
await mongo.close();
await store.stop();
await temporal.stop();
rmSync(dir, { recursive: true, force: true });
