import { COLLECTIONS, MONGO_MAX_POOL_SIZE, TEST_RUN_SANDBOX } from '@itinera/schemas';
import { type Db, type IndexSpecification, MongoClient, type MongoClientOptions } from 'mongodb';

/** The driver's pool: MONGO_MAX_POOL_SIZE unless ITINERA_MONGO_MAX_POOL_SIZE says otherwise. */
export function mongoPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.ITINERA_MONGO_MAX_POOL_SIZE);
  return Number.isInteger(asked) && asked > 0 ? asked : MONGO_MAX_POOL_SIZE;
}

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
  options: MongoClientOptions = {},
): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: 2_000,
    // A hung store (no answer, connection still open) is noticed by the monitor within about two seconds.
    heartbeatFrequencyMS: 1_000,
    maxPoolSize: mongoPoolSize(),
    ...options,
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

/**
 * One index per query shape the engine and the workers run (lookups by `_id` need none). On MongoDB these
 * serve filter and sort; on the embedded FerretDB (PostgreSQL) each gets a GIN twin for its equality
 * filters (scripts/lib/postgres-indexes.sql), while sorts, ranges and `$in` still run in FerretDB.
 */
export const INDEXES: Record<string, IndexSpecification[]> = {
  [COLLECTIONS.journeys]: [
    { status: 1, triggerEvent: 1 }, // live journeys, by trigger
    { updatedAt: -1 }, // journey list
  ],
  [COLLECTIONS.versions]: [{ journeyId: 1, version: -1 }],
  [COLLECTIONS.enrollments]: [
    { customerId: 1, status: 1 }, // a customer's active enrollments
    { journeyId: 1, status: 1 }, // journey stats
    { customerId: 1, enteredAt: -1 }, // enrollment list by customer
    { journeyId: 1, enteredAt: -1 }, // enrollment list by journey
    { status: 1, enteredAt: -1 }, // enrollment list by status
    { enteredAt: -1 }, // enrollment list
    { journeyId: 1, customerId: 1, entryNumber: -1 }, // a customer's latest entry into a journey
    { journeyId: 1, version: 1, status: 1, _id: 1 }, // a version's waiting customers, paged (migrations)
    { journeyId: 1, endedAt: 1 }, // analytics: a journey's ends in an hour (facts before hour stamps)
    { journeyId: 1, enteredHour: 1 }, // analytics: a journey's entries in an hour
    { journeyId: 1, endedHour: 1 }, // analytics: a journey's ends in an hour
    { endedAt: 1 }, // analytics: ends since the fold's checkpoint (the one-time pass by time)
    { foldKey: 1 }, // analytics: what changed in a minute
    { journeyId: 1, status: 1, entryNodeId: 1 }, // analytics: active entrants counted before `entryNodeId`
  ],
  [COLLECTIONS.steps]: [
    { enrollmentId: 1, at: 1, visit: 1 }, // an enrollment's timeline
    { journeyId: 1 }, // journey stats
    { journeyId: 1, nodeId: 1 }, // experiment assignments at a split, held-out entrants of a journey
    { nodeId: 1, outcome: 1 }, // global control group size
    { journeyId: 1, at: 1 }, // analytics: a journey's steps in an hour (facts before hour stamps)
    { journeyId: 1, hour: 1 }, // analytics: a journey's steps in an hour
    { at: 1 }, // analytics: steps since the fold's checkpoint (the one-time pass by time)
    { foldKey: 1 }, // analytics: what changed in a minute
  ],
  [COLLECTIONS.events]: [
    { customerId: 1, event: 1, timestamp: -1 }, // event counts in a window
    { customerId: 1, type: 1, timestamp: -1 }, // a customer's recent events
    { type: 1, event: 1 }, // known event names
    { event: 1, timestamp: 1 }, // analytics: conversion events in an hour
    { event: 1, receivedAt: 1 }, // analytics: conversion and unsubscribe events since the checkpoint
    { foldKey: 1 }, // analytics: what changed in a minute
  ],
  [COLLECTIONS.pendingRoutes]: [{ receivedAt: 1 }],
  [COLLECTIONS.profiles]: [
    { updatedAt: -1 }, // customer list
    { 'traits.email': 1 }, // customer search by email prefix
  ],
  [COLLECTIONS.recentCustomers]: [{ customerId: 1 }], // erasure
  [COLLECTIONS.messages]: [{ customerId: 1, sentAt: -1 }],
  [COLLECTIONS.deliveries]: [
    { customerId: 1, createdAt: -1 }, // a customer's deliveries
    { journeyId: 1 }, // delivery stats per journey
    { journeyId: 1, createdAt: 1 }, // analytics: a journey's deliveries in an hour (before hour stamps)
    { journeyId: 1, createdHour: 1 }, // analytics: a journey's deliveries in an hour
    { customerId: 1, sentAtMs: -1 }, // analytics: a customer's last touch
    { updatedAt: 1 }, // analytics: deliveries changed since the checkpoint
    { lastOpenedAt: 1 }, // analytics: opened since the checkpoint
    { lastClickedAt: 1 }, // analytics: clicked since the checkpoint
    { providerMessageId: 1, channel: 1 }, // receipts: the delivery a provider receipt names
    { foldKey: 1 }, // analytics: what changed in a minute
  ],
  [COLLECTIONS.receipts]: [
    { matched: 1, receivedAt: 1 }, // receipts that arrived before their delivery's message id
    { matchedAt: 1 }, // analytics: receipts matched since the checkpoint
    { providerMessageId: 1 }, // analytics: a window's deliveries' receipts
    { customerId: 1, at: -1 }, // a customer's receipts
    { foldKey: 1 }, // analytics: what changed in a minute
  ],
  [COLLECTIONS.suppressions]: [{ customerId: 1 }],
  [COLLECTIONS.rollups]: [
    { journeyId: 1, hour: 1 }, // a report's hours
    { journeyId: 1, day: 1 }, // a report's whole days
    { journeyId: 1, kind: 1 }, // analytics: a journey's day documents, summed into who waits where
  ],
  [COLLECTIONS.templates]: [{ updatedAt: -1 }],
  [COLLECTIONS.promoPools]: [{ createdAt: -1 }],
  [COLLECTIONS.promoCodes]: [{ poolId: 1 }],
  [COLLECTIONS.promoAssignments]: [
    { poolId: 1, kind: 1 },
    { kind: 1, idempotencyKey: 1 }, // releasing a test run's reserved codes
  ],
  [COLLECTIONS.entrySlots]: [{ journeyId: 1 }],
  [COLLECTIONS.capSlots]: [{ customerId: 1, channel: 1, at: 1 }],
  [COLLECTIONS.subscriptions]: [{ customerId: 1 }],
  [COLLECTIONS.leases]: [{ name: 1, bucket: 1 }],
  [COLLECTIONS.migrationMoves]: [{ migrationId: 1, _id: 1 }], // a migration's moves
  // Test runs' sandbox twins: the activities' queries, plus reading and clearing one run.
  [TEST_RUN_SANDBOX.events]: [{ customerId: 1, event: 1, timestamp: -1 }],
  [TEST_RUN_SANDBOX.subscriptions]: [{ customerId: 1 }],
  [TEST_RUN_SANDBOX.frequency_cap_slots]: [{ customerId: 1, channel: 1, at: 1 }],
  [TEST_RUN_SANDBOX.deliveries]: [{ enrollmentId: 1 }],
  [TEST_RUN_SANDBOX.messages]: [{ enrollmentId: 1 }],
  [TEST_RUN_SANDBOX.enrollment_steps]: [{ enrollmentId: 1 }],
  [COLLECTIONS.segments]: [
    { 'reads.events': 1 }, // segments an event can change
    { 'reads.traits': 1 }, // segments an identify can change
    { 'reads.segments': 1 }, // segments that refer to a segment
    { 'reads.computed': 1 }, // segments a computed attribute's change can change
    { 'reads.consent': 1 }, // segments a change of consent can change
    { kind: 1 }, // the live rule segments each process caches for ingestion
    { updatedAt: -1 }, // segment list
  ],
  [COLLECTIONS.segmentMembers]: [
    { segmentId: 1, _id: 1 }, // members, paged by id
    { customerId: 1, enteredAt: -1 }, // a customer's segments
  ],
  [COLLECTIONS.segmentChanges]: [
    { customerId: 1, at: -1 }, // a customer's segment timeline
    { segmentId: 1, kind: 1, at: 1 }, // a segment's size over time
  ],
  [COLLECTIONS.segmentBackfills]: [{ done: 1 }],
  [COLLECTIONS.segmentTimerMarks]: [
    { customerId: 1 }, // a customer's clock marks: read by an evaluation, cleared by a re-check
  ],
  [COLLECTIONS.computedValues]: [
    { customerId: 1, revision: 1, basis: -1 }, // a customer's values; superseded ones deleted
    { revision: 1 }, // a replaced or deleted attribute's values
  ],
  [COLLECTIONS.computedAttributes]: [{ revision: 1 }], // a backfill's definition
  [COLLECTIONS.computedBackfills]: [{ status: 1, updatedAt: 1 }], // stale backfills to resume
  [COLLECTIONS.broadcasts]: [{ createdAt: -1 }],
  [COLLECTIONS.broadcastRecipients]: [{ broadcastId: 1, status: 1, sendAt: 1 }], // due customers, progress
};

/** Claims by unique insert rely on these, on every store. */
export const UNIQUE_INDEXES: Record<string, IndexSpecification[]> = {
  [COLLECTIONS.entrySlots]: [{ enrollmentId: 1 }],
};

export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all(
    Object.entries(INDEXES).flatMap(([name, specs]) =>
      specs.map((spec) => db.collection(name).createIndex(spec)),
    ),
  );
  await Promise.all(
    Object.entries(UNIQUE_INDEXES).flatMap(([name, specs]) =>
      specs.map((spec) => db.collection(name).createIndex(spec, { unique: true })),
    ),
  );
}
