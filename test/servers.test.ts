// Sanity checks for the servers started by test/global-setup.ts.
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';

const mongoUri = process.env.MONGODB_URI ?? inject('MONGODB_URI');
const temporalAddress = process.env.TEMPORAL_ADDRESS ?? inject('TEMPORAL_ADDRESS');
const testServerAddress = process.env.TEMPORAL_TEST_SERVER_ADDRESS ?? inject('TEMPORAL_TEST_SERVER_ADDRESS');

describe('test servers from global setup', () => {
  it('exposes the same addresses via process.env and inject()', () => {
    expect(mongoUri).toMatch(/^mongodb(\+srv)?:\/\//);
    expect(temporalAddress).toMatch(/:\d+$/);
    expect(testServerAddress).toMatch(/:\d+$/);
    expect(process.env.MONGODB_URI).toBe(inject('MONGODB_URI'));
    expect(process.env.TEMPORAL_ADDRESS).toBe(inject('TEMPORAL_ADDRESS'));
    expect(process.env.TEMPORAL_TEST_SERVER_ADDRESS).toBe(inject('TEMPORAL_TEST_SERVER_ADDRESS'));
  });

  it('MongoDB-wire store answers ping, insert and find', async () => {
    const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    try {
      const db = client.db(`servers_test_${process.pid}`);
      expect((await db.command({ ping: 1 })).ok).toBe(1);
      const col = db.collection<{ _id: string; n: number; tags: string[] }>('things');
      await col.insertMany([
        { _id: 'a', n: 1, tags: ['x'] },
        { _id: 'b', n: 2, tags: ['x', 'y'] },
      ]);
      const found = await col.find({ tags: 'y' }).toArray();
      expect(found).toEqual([{ _id: 'b', n: 2, tags: ['x', 'y'] }]);
      await col.updateOne({ _id: 'a' }, { $inc: { n: 41 } });
      expect((await col.findOne({ _id: 'a' }))?.n).toBe(42);
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('Temporal dev server answers GetSystemInfo and has the default namespace', async () => {
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+/);
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('time-skipping test server skips a day of server time quickly', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the generic create() is private in the typings
    const env: TestWorkflowEnvironment = await (TestWorkflowEnvironment as any).create({
      server: { type: 'existing' },
      address: testServerAddress,
      supportsTimeSkipping: true,
      namespace: 'default',
    });
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const before = await env.currentTimeMs();
      const wallStart = Date.now();
      await env.sleep(86_400_000);
      const after = await env.currentTimeMs();
      expect(after - before).toBeGreaterThanOrEqual(86_400_000);
      expect(after - before).toBeLessThan(86_400_000 + 60_000);
      expect(Date.now() - wallStart).toBeLessThan(10_000);
    } finally {
      await env.teardown();
    }
  });
});
