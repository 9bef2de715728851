/**
 * Store trial: can the embedded store hold a team's customer base? For each FerretDB backend (PostgreSQL,
 * the default, and SQLite) this starts a store of its own, creates the app's indexes (engine/src/db.ts),
 * loads N profiles and N waiting enrollments (default 100k each) and times, as the median of 3 runs, the
 * store calls the API and the workers make. On PostgreSQL it then drops the GIN twins
 * (scripts/lib/postgres-indexes.sql) and times the same calls again, to show what they buy.
 * Run: npm run bench:store [-- --docs 20000] [-- --backends postgresql]
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COLLECTIONS } from '@itinera/schemas';
import pg from 'pg';
import { connectDatabase } from '../engine/src/db.ts';
import { startMongo } from '../scripts/lib/servers.mjs';
import { ensureTools } from '../scripts/lib/tools.mjs';
import { JOURNEYS, loadCustomers, storeDir } from './store-trial/data.mjs';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '100000' },
    backends: { type: 'string', default: 'postgresql,sqlite' },
  },
});
const N = Number(args.docs);
const RUNS = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pick = (run) => `cust-${(run * 7919 + 4242) % N}`;

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The calls measured; each gets the run number so every run reads a different customer. */
function calls(db) {
  const profiles = db.collection(COLLECTIONS.profiles);
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const customerPage = (id) =>
    Promise.all([
      profiles.findOne({ _id: id }),
      enrollments.find({ customerId: id }).sort({ enteredAt: -1 }).limit(100).toArray(),
      db.collection(COLLECTIONS.messages).find({ customerId: id }).sort({ sentAt: -1 }).limit(100).toArray(),
      db
        .collection(COLLECTIONS.deliveries)
        .find({ customerId: id })
        .sort({ createdAt: -1 })
        .limit(200)
        .toArray(),
      db.collection(COLLECTIONS.subscriptions).findOne({ _id: id }),
    ]);
  return {
    'profiles.findOne by _id': (r) => profiles.findOne({ _id: pick(r) }),
    'enrollments.findOne by customerId+status': (r) =>
      enrollments.findOne({ customerId: pick(r), status: 'active' }),
    'profiles.updateOne by _id ($set)': (r) =>
      profiles.updateOne(
        { _id: pick(r) },
        { $set: { 'traits.seen': r, updatedAt: new Date().toISOString() } },
      ),
    'enrollments.updateOne by _id ($set)': (r) =>
      enrollments.updateOne(
        { _id: `enr-${(r * 7919 + 4242) % N}` },
        { $set: { currentNodeId: `wait-${r}` } },
      ),
    "a customer's enrollments, sorted, limit 20": (r) =>
      enrollments
        .find({ customerId: pick(r) })
        .sort({ enteredAt: -1 })
        .limit(20)
        .toArray(),
    'all profiles sorted by updatedAt, limit 20': () =>
      profiles.find().sort({ updatedAt: -1 }).limit(20).toArray(),
    'countDocuments {journeyId, status: active}': (r) =>
      enrollments.countDocuments({ journeyId: `journey-${r % JOURNEYS}`, status: 'active' }),
    'customer page (5 reads in parallel)': (r) => customerPage(pick(r)),
  };
}

async function measure(db) {
  const results = {};
  for (const [name, call] of Object.entries(calls(db))) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await timed(() => call(r)));
    results[name] = median(runs);
  }
  return results;
}

async function dropTwins(postgresUrl) {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query('DROP EVENT TRIGGER IF EXISTS itinera_gin_twin_create');
    const { rows } = await client.query(
      `SELECT schemaname, indexname FROM pg_indexes WHERE schemaname = 'bench' AND indexname LIKE '%\\_gin'`,
    );
    for (const r of rows) await client.query(`DROP INDEX "${r.schemaname}"."${r.indexname}"`);
    return rows.length;
  } finally {
    await client.end();
  }
}

async function trial(backend) {
  const dir = storeDir(backend);
  process.env.ITINERA_EMBEDDED_BACKEND = backend;
  const store = await startMongo({ dataDir: join(dir, 'mongo'), logFile: join(dir, 'logs', 'mongo.log') });
  const { client, db } = await connectDatabase(store.url, 'bench');
  const columns = {};
  try {
    const loadMs = await timed(() => loadCustomers(db, N));
    console.log(`[${backend}] loaded ${N} profiles + ${N} enrollments in ${(loadMs / 1000).toFixed(1)} s`);
    columns[backend] = await measure(db);
    if (store.postgresUrl) {
      const dropped = await dropTwins(store.postgresUrl);
      console.log(`[${backend}] dropped ${dropped} GIN twins`);
      columns[`${backend}, no GIN twins`] = await measure(db);
    }
  } finally {
    await client.close();
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return columns;
}

const mongodbUri = process.env.MONGODB_URI;
delete process.env.MONGODB_URI; // always the embedded store; MONGODB_URI would make startMongo use it
ensureTools();
const table = {};
for (const backend of args.backends.split(',')) Object.assign(table, await trial(backend));
if (mongodbUri) process.env.MONGODB_URI = mongodbUri;

const cols = Object.keys(table);
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
console.log(`\nmedian of ${RUNS} runs, ${N} profiles + ${N} enrollments, FerretDB 1.24.2`);
console.log(`| call | ${cols.join(' | ')} |`);
console.log(`|---|${cols.map(() => '---').join('|')}|`);
for (const name of Object.keys(table[cols[0]])) {
  console.log(`| ${name} | ${cols.map((c) => fmt(table[c][name])).join(' | ')} |`);
}
