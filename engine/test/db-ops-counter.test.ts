import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { devServerClient } from '../../test/support/servers.ts';
import { buildApp } from '../src/app.ts';
import { connectDatabase } from '../src/db.ts';
import { registerDbOpsCounter } from '../src/db-ops-counter.ts';
import { createApiKey } from '../src/plugins/auth.ts';

describe('store command counter (ITINERA_COUNT_DB_OPS=1, for benchmarks)', () => {
  let mongo: MongoClient;
  let counted: FastifyInstance;
  let plain: FastifyInstance;
  let close: () => Promise<void>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    const store = await connectDatabase(inject('MONGODB_URI'), `t_${randomUUID().slice(0, 8)}`, {
      monitorCommands: true,
    });
    mongo = store.client;
    const temporal = await devServerClient();
    const target = { client: temporal.client, taskQueue: `q-${randomUUID()}` };
    counted = await buildApp({ db: store.db, temporal: target, editorDir: '/nonexistent' });
    registerDbOpsCounter(counted, mongo);
    plain = await buildApp({ db: store.db, temporal: target, editorDir: '/nonexistent' });
    keys.admin = await createApiKey(store.db, 'admin', 'admin');
    keys.marketer = await createApiKey(store.db, 'marketer', 'marketer');
    close = async () => {
      await Promise.all([counted.close(), plain.close()]);
      await store.db.dropDatabase();
      await mongo.close();
      await temporal.connection.close();
    };
  });
  afterAll(() => close?.());

  const read = (app: FastifyInstance, role: string) =>
    app.inject({
      method: 'GET',
      url: '/v1/debug/db-ops',
      headers: { authorization: `Bearer ${keys[role]}` },
    });

  it('counts the commands the driver sends, for admin keys only', async () => {
    const before = (await read(counted, 'admin')).json();
    expect(before.byCommand.find).toBeGreaterThanOrEqual(1);
    const track = await counted.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: `Bearer ${keys.admin}` },
      payload: { userId: 'c1', event: 'counted' },
    });
    expect(track.statusCode).toBe(200);
    const after = (await read(counted, 'admin')).json();
    expect(after.byCommand.insert).toBeGreaterThan(before.byCommand.insert ?? 0);
    expect(after.total).toBeGreaterThan(before.total + 2);
    expect((await read(counted, 'marketer')).statusCode).toBe(403);
  });

  it('does not exist unless the counter is registered', async () => {
    expect((await read(plain, 'admin')).statusCode).toBe(404);
  });
});
