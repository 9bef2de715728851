import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoClient } from 'mongodb';

/**
 * How long an operation waits for a reachable server before failing. Short, so an outage answers 503
 * within a second instead of holding clients (MONGODB_SERVER_SELECTION_TIMEOUT_MS overrides it).
 */
const SERVER_SELECTION_TIMEOUT_MS = Number(process.env.MONGODB_SERVER_SELECTION_TIMEOUT_MS ?? 800);
const STARTUP_TIMEOUT_MS = 30_000;

/**
 * Connects (retrying for up to 30 s while the store starts) and makes sure the indexes the queries rely
 * on exist (plain indexes only: FerretDB-compatible).
 */
export async function connectDatabase(
  uri: string,
  dbName?: string,
): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: 2_000,
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      await client.connect();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
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
