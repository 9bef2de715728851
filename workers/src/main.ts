import { NativeConnection } from '@temporalio/worker';
import { MongoClient } from 'mongodb';
import { createItineraWorker } from './worker.ts';

const env = process.env;
const mongo = await MongoClient.connect(env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
const worker = await createItineraWorker({
  connection,
  namespace: env.TEMPORAL_NAMESPACE ?? 'default',
  taskQueue: env.TEMPORAL_TASK_QUEUE ?? 'itinera',
  db: mongo.db(env.MONGODB_DB ?? 'itinera'),
});

process.once('SIGINT', () => worker.shutdown());
process.once('SIGTERM', () => worker.shutdown());
console.log(`worker ready on task queue "${env.TEMPORAL_TASK_QUEUE ?? 'itinera'}"`);
await worker.run();
await connection.close();
await mongo.close();
