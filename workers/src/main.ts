import { resolve } from 'node:path';
import { DefaultLogger, type LogLevel, NativeConnection, Runtime } from '@temporalio/worker';
import { connectWorkerMongo } from './db.ts';
import { describeProviders, providersFromEnv } from './providers/from-env.ts';
import { createItineraWorker, type WorkerPlugin } from './worker.ts';

const env = process.env;
Runtime.install({ logger: new DefaultLogger((env.LOG_LEVEL?.toUpperCase() ?? 'WARN') as LogLevel) });
const mongo = await connectWorkerMongo(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const db = mongo.db(env.MONGODB_DB ?? 'itinera');
const providers = providersFromEnv(env, db);
console.log(`delivery providers: ${describeProviders(providers, env)}`);
const plugins: WorkerPlugin[] = [];
for (const dir of (env.ITINERA_PLUGINS ?? '').split(',').filter(Boolean)) {
  plugins.push((await import(resolve(dir, 'worker.ts'))).workerPlugin);
}
const worker = await createItineraWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE ?? 'default',
  taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'itinera',
  db,
  providers,
  plugins,
});

process.once('SIGINT', () => worker.shutdown());
process.once('SIGTERM', () => worker.shutdown());
console.log(`worker ready on task queue "${env.TEMPORAL_TASK_QUEUE ?? 'itinera'}"`);
await worker.run();
await connection.close();
await mongo.close();
