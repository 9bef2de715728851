import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoClient } from 'mongodb';

/** Connects and makes sure the indexes the queries rely on exist (plain indexes only: FerretDB-compatible). */
export async function connectDatabase(
  uri: string,
  dbName?: string,
): Promise<{ client: MongoClient; db: Db }> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
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
    db.collection(COLLECTIONS.enrollments).createIndex({ journeyId: 1, customerId: 1, entryNumber: -1 }),
    db.collection(COLLECTIONS.entrySlots).createIndex({ journeyId: 1 }),
    db.collection(COLLECTIONS.entrySlots).createIndex({ enrollmentId: 1 }, { unique: true }),
    db.collection(COLLECTIONS.capSlots).createIndex({ customerId: 1, channel: 1, at: 1 }),
    db.collection(COLLECTIONS.subscriptions).createIndex({ customerId: 1 }),
    db.collection(COLLECTIONS.leases).createIndex({ name: 1, bucket: 1 }),
  ]);
}
