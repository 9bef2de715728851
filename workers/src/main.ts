import { resolve } from 'node:path';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime } from '@temporalio/worker';
import { connectWorkerMongo } from './db.ts';
import { describeProviders, providersFromEnv } from './providers/from-env.ts';
import { describeTemporal, temporalSettingsFromEnv } from './temporal/index.ts';
import { createItineraWorker, type WorkerPlugin } from './worker.ts';

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
  plugins.push((await import(resolve(dir, 'worker.ts'))).workerPlugin);
}
const worker = await createItineraWorker({
  connection,
  namespace: temporal.namespace,
  taskQueue: temporal.taskQueue,
  dataConverter: temporal.dataConverter,
  db,
  providers,
  plugins,
});

process.once('SIGINT', () => worker.shutdown());
process.once('SIGTERM', () => worker.shutdown());
console.log(`worker ready: Temporal at ${describeTemporal(temporal)}`);
await worker.run();
await connection.close();
await mongo.close();
