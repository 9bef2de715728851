import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_TEST_RUN_TASK_QUEUE } from '@itinera/schemas';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime } from '@temporalio/worker';
import { connectWorkerMongo } from './db.ts';
import { describeProviders, providersFromEnv } from './providers/from-env.ts';
import { describeTemporal, temporalSettingsFromEnv } from './temporal/index.ts';
import { unlockTimeSkipping } from './test-runs/clock.ts';
import { createTestRunWorker } from './test-runs/worker.ts';
import { createItineraWorker, journeyWorkflowBundle, type WorkerPlugin } from './worker.ts';

const env = process.env;
Runtime.install({ logger: new DefaultLogger((env.LOG_LEVEL?.toUpperCase() ?? 'WARN') as LogLevel) });
const mongo = await connectWorkerMongo(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
const temporal = temporalSettingsFromEnv(env);
const connection = await NativeConnection.connect(temporal.connection);
const db = mongo.db(env.MONGODB_DB ?? 'itinera');
const providers = providersFromEnv(env, db);
console.log(`delivery providers: ${describeProviders(providers, env)}`);
const plugins: WorkerPlugin[] = [];
for (const dir of (env.ITINERA_PLUGINS ?? '').split(',').filter(Boolean)) {
  // A compiled plugin (worker.js) runs under plain node; a TypeScript one needs `--import tsx`.
  const entry = existsSync(resolve(dir, 'worker.js')) ? 'worker.js' : 'worker.ts';
  plugins.push((await import(resolve(dir, entry))).workerPlugin);
}
const workflowBundle = await journeyWorkflowBundle(plugins);
console.log(
  `workflow bundle: ${'codePath' in workflowBundle ? `prebuilt ${workflowBundle.codePath}` : 'bundled at start'}`,
);
const worker = await createItineraWorker({
  workflowBundle,
  connection,
  namespace: temporal.namespace,
  taskQueue: temporal.taskQueue,
  dataConverter: temporal.dataConverter,
  db,
  providers,
  plugins,
});

// Test runs: the same workflows and executors on the time-skipping server, with sandboxed activities.
const testRunAddress = env.ITINERA_TEST_RUN_TEMPORAL_ADDRESS;
const testRunConnection = testRunAddress ? await NativeConnection.connect({ address: testRunAddress }) : null;
const testRunWorker =
  testRunConnection &&
  (await createTestRunWorker({
    connection: testRunConnection,
    taskQueue: env.ITINERA_TEST_RUN_TASK_QUEUE ?? DEFAULT_TEST_RUN_TASK_QUEUE,
    db,
    plugins,
    workflowBundle,
  }));
const stop = () => {
  worker.shutdown();
  testRunWorker?.shutdown();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
const testRunning = testRunWorker?.run();
// Once the test-run worker polls, a test run's task left in flight by a worker that died finishes first; a
// failed unlock stops this process before the journey worker takes any task.
if (testRunAddress) await unlockTimeSkipping(testRunAddress);
const running = Promise.all([worker.run(), testRunning]);
console.log(
  `worker ready: Temporal at ${describeTemporal(temporal)}${testRunAddress ? `; test runs on ${testRunAddress}` : ''}`,
);
await running;
await connection.close();
await testRunConnection?.close();
await mongo.close();
