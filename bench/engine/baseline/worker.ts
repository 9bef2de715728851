// The hand-coded journey's own worker process (its own task queue), started by the engine benchmark.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { MongoClient } from 'mongodb';
import { baselineActivities } from './activities.ts';

const env = process.env;
Runtime.install({ logger: new DefaultLogger('WARN') });
const mongo = await MongoClient.connect(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const worker = await Worker.create({
  connection,
  taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'baseline',
  workflowBundle: await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  }),
  activities: baselineActivities(mongo.db(env.MONGODB_DB)),
});
process.once('SIGTERM', () => worker.shutdown());
process.once('SIGINT', () => worker.shutdown());
console.log('worker ready');
await worker.run();
await connection.close();
await mongo.close();
