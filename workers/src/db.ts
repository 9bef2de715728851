import { MONGO_MAX_POOL_SIZE } from '@itinera/schemas';
import { MongoClient } from 'mongodb';

/** The worker's MongoDB client, its pool capped like the API's (ITINERA_MONGO_MAX_POOL_SIZE overrides it). */
export function connectWorkerMongo(uri: string, env: NodeJS.ProcessEnv = process.env): Promise<MongoClient> {
  const asked = Number(env.ITINERA_MONGO_MAX_POOL_SIZE);
  const maxPoolSize = Number.isInteger(asked) && asked > 0 ? asked : MONGO_MAX_POOL_SIZE;
  return MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000, maxPoolSize });
}
