import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import { describeTemporal, temporalSettingsFromEnv } from '@itinera/workers/temporal';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildApp } from './app.ts';
import { connectDatabase } from './db.ts';
import { registerDbOpsCounter } from './db-ops-counter.ts';
import { createApiKey } from './plugins/auth.ts';
import { seedExampleJourney } from './seed.ts';
import { startAnalyticsFolder } from './services/analytics/fold.ts';
import { startBroadcastActivityWorker } from './services/broadcast-worker.ts';
import { startReceiptMatcher } from './services/receipts/matcher.ts';
import { startSweeper } from './services/sweeper.ts';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const host = env.HOST ?? '127.0.0.1';
const dataDir = env.ITINERA_DATA_DIR ?? '.data';
const countDbOps = env.ITINERA_COUNT_DB_OPS === '1';

for (const dir of (env.ITINERA_PLUGINS ?? '').split(',').filter(Boolean)) {
  await import(resolve(dir, existsSync(resolve(dir, 'definition.js')) ? 'definition.js' : 'definition.ts'));
}
const { client: mongo, db } = await connectDatabase(
  env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017',
  env.MONGODB_DB ?? 'itinera',
  { monitorCommands: countDbOps },
);
const temporal = temporalSettingsFromEnv(env);
const connection = await Connection.connect(temporal.connection);
const client = new Client({
  connection,
  namespace: temporal.namespace,
  dataConverter: temporal.dataConverter,
});
// Test runs: a plain client of the time-skipping server (the test-run worker keeps its clock unlocked).
const testRunAddress = env.ITINERA_TEST_RUN_TEMPORAL_ADDRESS;
const testRunConnection = testRunAddress ? await Connection.connect({ address: testRunAddress }) : undefined;
const app = await buildApp({
  db,
  temporal: { client, taskQueue: temporal.taskQueue },
  testRuns: testRunConnection && {
    client: new Client({ connection: testRunConnection }),
    taskQueue: env.ITINERA_TEST_RUN_TASK_QUEUE,
  },
  logger: {
    level: env.LOG_LEVEL ?? 'warn',
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
  },
});

if (countDbOps) registerDbOpsCounter(app, mongo);

if ((await db.collection(COLLECTIONS.apiKeys).countDocuments()) === 0) {
  const key = await createApiKey(db, 'admin', 'local admin (first run)');
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'admin-key.txt'), `${key}\n`, { mode: 0o600 });
  // The key itself never goes to the log (logs are shipped and kept); only the owner-readable file holds it.
  console.log(
    `First run: created a local admin API key; read it with: cat ${join(dataDir, 'admin-key.txt')}`,
  );
}
await app.services.segments.refreshStoredReads();
const seeded = await seedExampleJourney(app.services);
if (seeded) console.log(`Seeded the example journey "Welcome series (example)" (${seeded}).`);

const sweeper = startSweeper(app.services, {
  onError: (error) => app.log.error({ err: error }, 'sweep failed'),
});

const analyticsFolder = startAnalyticsFolder(db, {
  intervalMs: Number(env.ITINERA_ANALYTICS_FOLD_MS) || undefined,
  onError: (error) => app.log.error({ err: error }, 'analytics fold failed'),
});
const receiptMatcher = startReceiptMatcher(app.services, {
  onError: (error) => app.log.error({ err: error }, 'receipt matching failed'),
});
const nativeConnection = await NativeConnection.connect(temporal.connection);
const broadcastWorker = await startBroadcastActivityWorker(
  app.services,
  nativeConnection,
  temporal.taskQueue,
  temporal.namespace,
);

await app.listen({ port, host });
console.log(
  `API listening on http://${host}:${port} (docs at /docs); Temporal at ${describeTemporal(temporal)}`,
);

const shutdown = async () => {
  await sweeper.stop();
  await analyticsFolder.stop();
  await receiptMatcher.stop();
  await broadcastWorker.stop();
  await nativeConnection.close();
  await app.close();
  await connection.close();
  await testRunConnection?.close();
  await mongo.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
