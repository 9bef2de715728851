/**
 * Engine benchmark on real servers (Temporal dev server + the Mongo-wire store), one run, ratios against
 * baselines measured in the same run:
 *   - enrollment throughput through the API (track -> enrollment doc -> workflow start) vs raw workflow starts
 *   - completed enrollments per second for a 2-step journey
 *   - Temporal history events per journey step
 * Run: npm run bench
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS, ENROLLMENT_WORKFLOW, type EnrollmentInput, type JourneyGraph } from '@itinera/schemas';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { MongoClient } from 'mongodb';
import { buildApp } from '../engine/src/app.ts';
import { ensureIndexes } from '../engine/src/db.ts';
import { createApiKey } from '../engine/src/plugins/auth.ts';
import { startMongo, startTemporalDev } from '../scripts/lib/servers.mjs';
import { ensureTools } from '../scripts/lib/tools.mjs';
import { graph } from '../test/support/journeys.ts';
import { createItineraWorker } from '../workers/src/worker.ts';

const N = Number(process.env.BENCH_ENROLLMENTS ?? 300);
const CONCURRENCY = 10;

async function inBatches(count: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

const short: JourneyGraph = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'bench', reentry: 'concurrent' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->end'],
);
const long: JourneyGraph = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
    { id: 'a', type: 'update_profile', config: { operations: [{ path: 'n', op: 'increment', value: 1 }] } },
    {
      id: 'b',
      type: 'condition',
      config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'n', op: 'gte', value: 1 }] },
    },
    { id: 'c', type: 'send', config: { channel: 'email', to: 'x@example.com', body: 'hi' } },
    {
      id: 'd',
      type: 'split',
      config: {
        branches: [
          { id: 'l', label: 'L', percent: 50 },
          { id: 'r', label: 'R', percent: 50 },
        ],
      },
    },
    { id: 'e', type: 'update_profile', config: { operations: [{ path: 'm', op: 'set', value: 1 }] } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->a', 'a->b', 'b:yes->c', 'b:no->c', 'c->d', 'd:l->e', 'd:r->e', 'e->end'],
);

Runtime.install({ logger: new DefaultLogger('WARN') });
ensureTools();
const dir = mkdtempSync(join(tmpdir(), 'itinera-bench-'));
const temporal = await startTemporalDev({ headless: true, logFile: join(dir, 'temporal.log') });
const mongo = await startMongo({ dataDir: join(dir, 'mongo'), logFile: join(dir, 'mongo.log') });
const mongoClient = await MongoClient.connect(mongo.url);
const db = mongoClient.db('bench');
await ensureIndexes(db);
const connection = await Connection.connect({ address: temporal.address });
const client = new Client({ connection });
const nativeConnection = await NativeConnection.connect({ address: temporal.address });
const taskQueue = 'bench';
const worker = await createItineraWorker({ connection: nativeConnection, taskQueue, db });
const running = worker.run();
const app = await buildApp({ db, temporal: { client, taskQueue }, editorDir: '/nonexistent' });
const key = await createApiKey(db, 'admin', 'bench');
const headers = { authorization: `Bearer ${key}` };

const input = (id: string, g: JourneyGraph): EnrollmentInput => ({
  enrollmentId: id,
  customerId: id,
  journey: {
    id: 'raw',
    version: 1,
    name: 'raw',
    graph: g,
    settings: { defaultTimezone: 'UTC', maxLoopIterations: 10, priority: 5 },
  },
  trigger: null,
});

const rawSeconds = await inBatches(N, (i) =>
  client.workflow.start(ENROLLMENT_WORKFLOW, {
    taskQueue,
    workflowId: `raw-${i}`,
    args: [input(`raw-${i}`, short)],
  }),
);

const created = await app.inject({
  method: 'POST',
  url: '/v1/journeys',
  headers,
  payload: { name: 'bench', graph: short },
});
const journeyId = created.json().id;
await app.inject({ method: 'POST', url: `/v1/journeys/${journeyId}/publish`, headers, payload: {} });
const apiStarted = performance.now();
const apiSeconds = await inBatches(N, (i) =>
  app.inject({ method: 'POST', url: '/v1/track', headers, payload: { userId: `c${i}`, event: 'bench' } }),
);
const enrollments = db.collection(COLLECTIONS.enrollments);
while ((await enrollments.countDocuments({ journeyId, status: 'completed' })) < N)
  await new Promise((r) => setTimeout(r, 50));
const completedSeconds = (performance.now() - apiStarted) / 1000;

const historyOf = async (id: string, g: JourneyGraph) => {
  const handle = await client.workflow.start(ENROLLMENT_WORKFLOW, {
    taskQueue,
    workflowId: id,
    args: [input(id, g)],
  });
  await handle.result();
  return (await handle.fetchHistory()).events?.length ?? 0;
};
const shortHistory = await historyOf('hist-short', short);
const longHistory = await historyOf('hist-long', long);
const shortSteps = 2;
const longSteps = 7;

const rows = [
  ['raw workflow starts (baseline)', `${(N / rawSeconds).toFixed(1)}/s`, '1.00'],
  ['enrollments started via API', `${(N / apiSeconds).toFixed(1)}/s`, (rawSeconds / apiSeconds).toFixed(2)],
  [
    'enrollments completed (2 steps)',
    `${(N / completedSeconds).toFixed(1)}/s`,
    (rawSeconds / completedSeconds).toFixed(2),
  ],
  ['history events, 2-step journey (baseline)', String(shortHistory), '1.00'],
  ['history events, 7-step journey', String(longHistory), (longHistory / shortHistory).toFixed(2)],
  ['history events per extra step', ((longHistory - shortHistory) / (longSteps - shortSteps)).toFixed(1), ''],
];
console.log(`\nItinera engine benchmark: ${N} enrollments, concurrency ${CONCURRENCY}\n`);
console.log(`${'measure'.padEnd(44)}${'value'.padStart(12)}${'ratio'.padStart(8)}`);
for (const [name, value, ratio] of rows)
  console.log(`${name.padEnd(44)}${value.padStart(12)}${ratio.padStart(8)}`);

worker.shutdown();
await running;
await app.close();
await connection.close();
await nativeConnection.close();
await mongoClient.close();
await temporal.stop();
await mongo.stop();
rmSync(dir, { recursive: true, force: true });
