import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';

/** Connects and makes sure the indexes the queries rely on exist (plain indexes only: FerretDB-compatible). */
export async function connectDatabase(
  uri: string,
  dbName?: string,
  options: MongoClientOptions = {},
): Promise<{ client: MongoClient; db: Db }> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000, ...options });
  const db = client.db(dbName);
  await ensureIndexes(db);
  return { client, db };
}

export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all([
    db.collection(COLLECTIONS.enrollments).createIndex({ customerId: 1, status: 1 }),
    db.collection(COLLECTIONS.enrollments).createIndex({ journeyId: 1, status: 1 }),
    db.collection(COLLECTIONS.steps).createIndex({ enrollmentId: 1, at: 1 }),
    db.collection(COLLECTIONS.steps).createIndex({ journeyId: 1 }),
    db.collection(COLLECTIONS.events).createIndex({ customerId: 1, event: 1, timestamp: -1 }),
    db.collection(COLLECTIONS.pendingRoutes).createIndex({ receivedAt: 1 }),
    db.collection(COLLECTIONS.journeys).createIndex({ status: 1, triggerEvent: 1 }),
    db.collection(COLLECTIONS.messages).createIndex({ customerId: 1, sentAt: -1 }),
  ]);
}
