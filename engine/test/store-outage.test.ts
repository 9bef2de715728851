import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedMongo } from '../../scripts/lib/servers.mjs';
import { eventually } from '../../test/support/harness.ts';
import { testDatabase } from '../../test/support/servers.ts';
import { buildApp } from '../src/app.ts';
import { connectDatabase } from '../src/db.ts';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';
import { killStore, ownStore } from './support/own-store.ts';

describe('store outage', () => {
  let store: StartedMongo;
  let h: ApiHarness;
  let closeClient: () => Promise<void>;
  beforeAll(async () => {
    store = await ownStore('outage-store');
    const { client, db } = await connectDatabase(store.url, 'outage');
    closeClient = () => client.close();
    h = await apiHarness({ db });
  });
  afterAll(async () => {
    await h?.close();
    await closeClient?.();
    await store?.stop();
  });

  it('answers 503 with Retry-After on every route while the store is down, and recovers', async () => {
    expect((await h.call('GET', '/v1/journeys')).status).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ ok: true, store: 'up' });
    const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const port = store.port!;
    await killStore(store);

    const timings: number[] = [];
    for (const [path, methods] of Object.entries(spec.paths as Record<string, object>)) {
      if (!path.startsWith('/v1')) continue;
      for (const method of Object.keys(methods)) {
        const verb = method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'DELETE';
        const url = path.replace(/\{[^}]+\}/g, '0123456789abcdef');
        const started = performance.now();
        const answer = await h.call(verb, url, verb === 'GET' || verb === 'DELETE' ? undefined : {});
        timings.push(performance.now() - started);
        expect([verb, url, answer.status, answer.headers['retry-after']]).toEqual([verb, url, 503, '5']);
        expect(isErrorShape(answer.body)).toBe(true);
      }
    }
    console.log(
      `store down: ${timings.length} routes answered 503, slowest in ${Math.round(Math.max(...timings))} ms`,
    );
    const health = await h.app.inject({ method: 'GET', url: '/health' });
    expect([health.statusCode, health.json()]).toEqual([503, { ok: false, store: 'down' }]);
    const ready = await h.app.inject({ method: 'GET', url: '/ready' });
    expect([ready.statusCode, ready.json()]).toEqual([503, { ok: false, store: 'down', temporal: 'up' }]);

    store = await ownStore('outage-store', port);
    await eventually(async () => (await h.call('GET', '/v1/journeys')).status === 200);
    const readyAgain = await h.app.inject({ method: 'GET', url: '/ready' });
    expect([readyAgain.statusCode, readyAgain.json()]).toEqual([
      200,
      { ok: true, store: 'up', temporal: 'up' },
    ]);
  });
});

describe('readiness with Temporal unreachable', () => {
  it('reports Temporal down on /ready while /health stays ok', async () => {
    const { db, close } = await testDatabase();
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await buildApp({
      db,
      temporal: { client: new Client({ connection }), taskQueue: 'unused' },
      editorDir: '/nonexistent',
    });
    try {
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect([ready.statusCode, ready.json(), ready.headers['retry-after']]).toEqual([
        503,
        { ok: false, store: 'up', temporal: 'down' },
        '5',
      ]);
      expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ ok: true, store: 'up' });
    } finally {
      await app.close();
      await close();
    }
  });
});
