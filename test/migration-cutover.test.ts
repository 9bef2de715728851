import {
  COLLECTIONS,
  type MigrationPreview,
  type MigrationRun,
  type MigrationStatus,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../engine/src/plugins/auth.ts';
import { v1, v2 } from '../engine/test/support/migration-graphs.ts';
import { eventually as eventuallyWithin } from './support/harness.ts';
import {
  apiCall,
  type ProductProcesses,
  startProductProcesses,
  terminateActiveEnrollments,
} from './support/processes.ts';
import { testDatabase, uniqueTaskQueue } from './support/servers.ts';

interface Enrollment {
  id: string;
  customerId: string;
  version: number;
  status: string;
  currentNodeId: string | null;
  nextWakeAt: string | null;
}

/** Real processes on a loaded machine: each step may take long; nothing here asserts on timing. */
const eventually = <T>(check: () => Promise<T | undefined | false>) => eventuallyWithin(check, 180_000);

describe('a background cutover survives the death of the API process driving it', {
  timeout: 600_000,
}, () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let product: ProductProcesses;
  let key: string;
  let api: string;
  let journeyId: string;
  /** v1 node each customer waits at: segment a → nap, b → watch, c → pause (moving); d → hold (unmapped). */
  const waitsAt: Record<string, string> = {};
  const group = { a: 'nap', b: 'watch', c: 'pause', d: 'hold' } as const;
  for (const [segment, nodeId] of Object.entries(group))
    for (let i = 0; i < (segment === 'd' ? 2 : 4); i++) waitsAt[`cut-${segment}${i}`] = nodeId;
  const customers = Object.keys(waitsAt);
  const inGroup = (nodeId: string) => customers.filter((c) => waitsAt[c] === nodeId);
  // pause (a 4-day wait) goes straight to v2's reminder: each of those customers gets it at once, exactly once.
  const request = { fromVersion: 1, toVersion: 2, mapping: { pause: 'remind' }, ratePerMinute: 30 };

  const call = <T>(method: string, path: string, body?: unknown) => apiCall<T>(api, key, method, path, body);
  const enrollmentOf = async (customerId: string) =>
    (await call<Enrollment[]>('GET', `/v1/customers/${customerId}/enrollments`)).body[0];
  const bodiesSent = async (customerId: string) =>
    (await call<{ body: string }[]>('GET', `/v1/customers/${customerId}/messages`)).body
      .map((m) => m.body.split('<')[0])
      .sort();
  const expectStatus = async (method: string, path: string, body: unknown, expected: number) =>
    expect((await call(method, path, body)).status).toBe(expected);

  beforeAll(async () => {
    ({ db, close: closeDb } = await testDatabase());
    key = await createApiKey(db, 'admin', 'cutover test');
    product = await startProductProcesses({
      dbName: db.databaseName,
      taskQueue: uniqueTaskQueue(),
      apiCount: 1,
      workerCount: 1,
    });
    api = product.apis[0];
    const created = await call<{ id: string }>('POST', '/v1/journeys', { name: 'Cutover', graph: v1 });
    journeyId = created.body.id;
    await expectStatus('POST', `/v1/journeys/${journeyId}/publish`, { note: 'v1' }, 201);
    for (const customerId of customers) {
      const segment = customerId.slice(4, 5);
      const traits = { email: `${customerId}@example.com`, segment };
      expect((await call('POST', '/v1/identify', { userId: customerId, traits })).status).toBeLessThan(300);
      expect(
        (await call('POST', '/v1/track', { userId: customerId, event: 'signed_up' })).status,
      ).toBeLessThan(300);
    }
    for (const customerId of customers)
      await eventually(async () => {
        const e = await enrollmentOf(customerId);
        return e?.currentNodeId === waitsAt[customerId] && e.nextWakeAt ? e : undefined;
      });
    await expectStatus('PUT', `/v1/journeys/${journeyId}`, { graph: v2 }, 200);
    await expectStatus('POST', `/v1/journeys/${journeyId}/publish`, { note: 'v2' }, 201);
  }, 600_000);
  afterAll(async () => {
    if (db) await terminateActiveEnrollments(db);
    await product?.stop();
    await closeDb?.();
  });

  it('finishes on a new API process: every customer moved exactly once, as previewed, no duplicate sends', async () => {
    const preview = (
      await call<MigrationPreview>('POST', `/v1/journeys/${journeyId}/migrations/preview`, request)
    ).body;
    expect([preview.total, preview.moving, preview.staying]).toEqual([14, 12, 2]);

    const started = await call<MigrationRun>('POST', `/v1/journeys/${journeyId}/migrations`, request);
    expect(started.status).toBe(202);
    const { migrationId } = started.body;
    const url = `/v1/journeys/${journeyId}/migrations/${migrationId}`;
    const movesOf = () => db.collection(COLLECTIONS.migrationMoves).countDocuments({ migrationId });
    // Throttled to 30 a minute, the driver takes 5 customers every 10 seconds: kill its API after the first page.
    await eventually(async () => (await movesOf()) >= 5);
    await product.apiProcesses[0].stop(1_000, 'SIGKILL');
    const atKill = await movesOf();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(customers.length);

    api = await product.startApi();
    const done = await eventually(async () => {
      const { body } = await call<MigrationStatus>('GET', url);
      return body.state === 'completed' && body.counts.pending === 0 ? body : undefined;
    });
    expect(done.counts).toMatchObject({
      planned: 12,
      claimed: 12,
      moved: 12,
      skipped: 2,
      failed: 0,
      remaining: 0,
    });
    expect(new Set(done.moves.map((m) => m.enrollmentId)).size).toBe(customers.length);
    for (const g of preview.groups) {
      const moves = done.moves.filter((m) => m.fromNodeId === g.fromNodeId);
      expect([moves.length, ...new Set(moves.map((m) => m.toNodeId))]).toEqual([g.customers, g.toNodeId]);
    }

    for (const customerId of customers) {
      const e = await enrollmentOf(customerId);
      expect(e.version).toBe(waitsAt[customerId] === 'hold' ? 1 : 2);
      const { timeline } = (await call<{ timeline: { outcome: string }[] }>('GET', `/v1/enrollments/${e.id}`))
        .body;
      expect(timeline.filter((s) => s.outcome === 'moved')).toHaveLength(
        waitsAt[customerId] === 'hold' ? 0 : 1,
      );
    }
    // Only v2's watch waits for "ordered": those customers get v2's thanks.
    for (const customerId of inGroup('watch'))
      expect((await call('POST', '/v1/track', { userId: customerId, event: 'ordered' })).status).toBeLessThan(
        300,
      );
    const expected: Record<string, string[]> = {
      nap: ['v1 welcome'],
      hold: ['v1 welcome'],
      watch: ['v1 welcome', 'v2 thanks'],
      pause: ['v1 welcome', 'v2 reminder'],
    };
    for (const customerId of customers)
      await eventually(async () => {
        const sent = await bodiesSent(customerId);
        return JSON.stringify(sent) === JSON.stringify(expected[waitsAt[customerId]]) ? sent : undefined;
      });
    // Settled: nothing more arrives once the moved sends are out (each send is claimed once).
    for (const customerId of [...inGroup('watch'), ...inGroup('pause')]) {
      await eventually(async () => (await enrollmentOf(customerId)).status === 'completed');
      expect(await bodiesSent(customerId)).toEqual(expected[waitsAt[customerId]]);
    }
  });
});
