// On its own embedded store (FerretDB on PostgreSQL): every index the app declares is created, each gets a
// GIN twin, and the SQL FerretDB sends for an equality filter (`_jsonb->$1 @> $2`) is planned on that twin.
import path from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, INDEXES, UNIQUE_INDEXES } from '../engine/src/db.ts';
import { type StartedMongo, startMongo } from '../scripts/lib/servers.mjs';

let store: StartedMongo;
let client: MongoClient;
let db: Db;
let sql: pg.Client;

beforeAll(async () => {
  const runDir = process.env.ITINERA_TEST_DATA_DIR ?? path.join(process.cwd(), '.test-data', 'store-indexes');
  const saved = { uri: process.env.MONGODB_URI, backend: process.env.ITINERA_EMBEDDED_BACKEND };
  delete process.env.MONGODB_URI; // start a store of our own instead of using the run's
  process.env.ITINERA_EMBEDDED_BACKEND = 'postgresql';
  try {
    store = await startMongo({
      dataDir: path.join(runDir, 'store-indexes'),
      logFile: path.join(runDir, 'logs', 'store-indexes.log'),
      durable: false,
    });
  } finally {
    process.env.MONGODB_URI = saved.uri;
    if (saved.backend === undefined) delete process.env.ITINERA_EMBEDDED_BACKEND;
    else process.env.ITINERA_EMBEDDED_BACKEND = saved.backend;
  }
  ({ client, db } = await connectDatabase(store.url, 'itinera'));
  sql = new pg.Client({ connectionString: store.postgresUrl ?? '' });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await client?.close();
  await store?.stop();
});

async function tableOf(collection: string): Promise<string> {
  const { rows } = await sql.query(
    `SELECT _jsonb->>'table' AS t FROM itinera._ferretdb_database_metadata WHERE _jsonb->>'_id' = $1`,
    [collection],
  );
  return rows[0].t;
}

async function indexesOf(table: string): Promise<{ name: string; def: string }[]> {
  const { rows } = await sql.query(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'itinera' AND tablename = $1`,
    [table],
  );
  return rows;
}

/** The plan PostgreSQL picks for FerretDB's equality filter on `field`. */
async function planFor(table: string, field: string, value: unknown): Promise<string> {
  const { rows } = await sql.query(
    `EXPLAIN SELECT _jsonb FROM itinera."${table}" WHERE _jsonb->$1::text @> $2::jsonb`,
    [field, JSON.stringify(value)],
  );
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('indexes on the embedded PostgreSQL store', () => {
  it('runs on FerretDB with the PostgreSQL backend', () => {
    expect(store.kind).toBe('ferretdb');
    expect(store.backend).toBe('postgresql');
  });

  it('creates every declared index, each with a GIN twin', async () => {
    for (const [collection, specs] of Object.entries(INDEXES)) {
      const keys = (await db.collection(collection).indexes()).map((i) => JSON.stringify(i.key));
      for (const spec of specs) expect(keys).toContain(JSON.stringify(spec));
      const pgIndexes = await indexesOf(await tableOf(collection));
      const btrees = pgIndexes.filter((i) => !i.def.includes('USING gin'));
      expect(btrees).toHaveLength(specs.length + (UNIQUE_INDEXES[collection]?.length ?? 0) + 1); // + _id
      for (const b of btrees) {
        const twin = pgIndexes.find((i) => i.name === `${b.name.slice(0, 59)}_gin`);
        expect(twin?.def ?? `no twin for ${collection}: ${b.def}`).toMatch(/USING gin .*jsonb_path_ops/);
      }
    }
  });

  it("plans FerretDB's filters by _id and by an indexed field on the twins, at 5k documents", async () => {
    const enrollments = db.collection<{ _id: string; customerId: string; status: string }>('enrollments');
    for (let batch = 0; batch < 5; batch++) {
      await enrollments.insertMany(
        Array.from({ length: 1000 }, (_, i) => {
          const n = batch * 1000 + i;
          return { _id: `e${n}`, customerId: `c${n}`, status: 'active' };
        }),
      );
    }
    await sql.query(`ANALYZE itinera."${await tableOf('enrollments')}"`);
    const table = await tableOf('enrollments');
    expect(await planFor(table, '_id', 'e123')).toMatch(/Index Scan on \S+_gin/);
    expect(await planFor(table, 'customerId', 'c123')).toMatch(/Index Scan on \S+_gin/);
    expect(await enrollments.findOne({ customerId: 'c4999', status: 'active' })).toMatchObject({
      _id: 'e4999',
    });
  });

  it('drops the twin together with the index it mirrors', async () => {
    const things = db.collection('things');
    await things.createIndex({ colour: 1 }, { name: 'by_colour' });
    const table = await tableOf('things');
    expect((await indexesOf(table)).filter((i) => i.def.includes('colour'))).toHaveLength(2);
    await things.dropIndex('by_colour');
    expect((await indexesOf(table)).filter((i) => i.def.includes('colour'))).toHaveLength(0);
  });
});
