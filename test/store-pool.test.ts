// The app's MongoDB clients keep their pools far below the embedded FerretDB's PostgreSQL pool, so a burst
// of concurrent updates queues in the driver instead of exhausting (and on some builds deadlocking) FerretDB.
import { randomUUID } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../engine/src/db.ts';
import { FERRETDB_PG_POOL } from '../scripts/lib/servers.mjs';
import { connectWorkerMongo } from '../workers/src/db.ts';

const uri = inject('MONGODB_URI');
const clients: MongoClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

/** Runs `count` updates at once (each with a read before it) and checks every one landed. */
async function burst(client: MongoClient, count: number) {
  const db = client.db(`pool_${randomUUID().slice(0, 8)}`);
  const docs = db.collection<{ _id: number; v: number; by?: string }>('docs');
  await docs.insertMany(Array.from({ length: count }, (_, i) => ({ _id: i, v: 0 })));
  const results = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const before = await docs.findOne({ _id: i });
      return docs.updateOne({ _id: i }, { $set: { v: (before?.v ?? 0) + i, by: `u${i}` } });
    }),
  );
  expect(results.every((r) => r.matchedCount === 1 && r.modifiedCount === 1)).toBe(true);
  const after = await docs.find().sort({ _id: 1 }).toArray();
  expect(after.map((d) => d.v)).toEqual(Array.from({ length: count }, (_, i) => i));
  await db.dropDatabase();
}

describe('store connection pools', () => {
  it("the API's connection helper caps its pool below FerretDB's and survives more concurrent updates than FerretDB's pool", async () => {
    const { client } = await connectDatabase(uri, `pool_api_${randomUUID().slice(0, 8)}`);
    clients.push(client);
    expect(client.options.maxPoolSize).toBeLessThan(FERRETDB_PG_POOL / 4);
    await burst(client, FERRETDB_PG_POOL + 50);
  });

  it("the worker's connection helper does the same, and ITINERA_MONGO_MAX_POOL_SIZE overrides the cap", async () => {
    const client = await connectWorkerMongo(uri);
    clients.push(client);
    expect(client.options.maxPoolSize).toBeLessThan(FERRETDB_PG_POOL / 4);
    await burst(client, FERRETDB_PG_POOL + 50);
    const custom = await connectWorkerMongo(uri, { ITINERA_MONGO_MAX_POOL_SIZE: '7' });
    clients.push(custom);
    expect(custom.options.maxPoolSize).toBe(7);
  });
});
