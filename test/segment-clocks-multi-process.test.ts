import { COLLECTIONS, segmentClockId } from '@itinera/schemas';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../engine/src/plugins/auth.ts';
import { eventually } from './support/harness.ts';
import { apiCall, type ProductProcesses, startProductProcesses } from './support/processes.ts';
import { devServerClient, testDatabase, uniqueTaskQueue } from './support/servers.ts';

const DAY = 86_400_000;

/** One segment clock per customer, driven from two API processes and run by two workers, in real time. */
describe('segment clocks with two API processes and two workers', () => {
  let db: Db;
  let closeDb: () => Promise<void>;
  let product: ProductProcesses;
  let temporal: { client: Client; connection: { close(): Promise<void> } };
  let key: string;
  const customers = ['clock-a', 'clock-b', 'clock-c'];

  let turn = 0;
  const call = (method: string, path: string, body?: unknown) =>
    apiCall(product.apis[turn++ % product.apis.length], key, method, path, body);
  const createSegment = async (body: { id: string; name: string; rules: unknown }) => {
    expect((await call('POST', '/v1/segments', body)).status).toBe(201);
    await eventually(
      async () => (await call('GET', `/v1/segments/${body.id}`)).body.status === 'ready',
      60_000,
    );
  };

  beforeAll(async () => {
    ({ db, close: closeDb } = await testDatabase());
    key = await createApiKey(db, 'admin', 'segment clocks test');
    temporal = await devServerClient();
    product = await startProductProcesses({
      dbName: db.databaseName,
      taskQueue: uniqueTaskQueue(),
      apiCount: 2,
      workerCount: 2,
    });
  });
  afterAll(async () => {
    for (const c of customers)
      await temporal?.client.workflow
        .getHandle(segmentClockId(c))
        .terminate('test finished')
        .catch(() => undefined);
    await temporal?.connection.close();
    await product?.stop();
    await closeDb?.();
  });

  it('events racing on both APIs start one clock per customer, which enters each at the exact moment', async () => {
    await createSegment({
      id: 'veterans',
      name: 'Signed up over a day ago',
      rules: { kind: 'attributeDate', trait: 'signedUpAt', relation: 'moreThanDaysAgo', days: 1 },
    });
    await createSegment({
      id: 'shoppers',
      name: 'Shopped this week',
      rules: { kind: 'performed', event: 'mp_shop', withinDays: 7 },
    });
    // A day old in 15 seconds: the clock, not an event, makes them veterans.
    const signedUpAt = new Date(Date.now() - DAY + 15_000).toISOString();
    const answers = await Promise.all(
      customers.flatMap((userId) => [
        call('POST', '/v1/identify', { userId, traits: { signedUpAt } }),
        ...Array.from({ length: 4 }, () => call('POST', '/v1/track', { userId, event: 'mp_shop' })),
      ]),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);

    const veteransAt = new Date(Date.parse(signedUpAt) + DAY).toISOString();
    for (const customerId of customers) {
      const changes = await eventually(async () => {
        const found = await db.collection(COLLECTIONS.segmentChanges).find({ customerId }).toArray();
        return found.some((c) => c.segmentId === 'veterans') && found;
      }, 30_000);
      // Each entry recorded once, however many passes raced; the clock's at the moment the rule flipped.
      expect(changes.map((c) => `${c.segmentId}:${c.kind}`).sort()).toEqual([
        'shoppers:entered',
        'veterans:entered',
      ]);
      expect(changes.find((c) => c.segmentId === 'veterans')?.at).toBe(veteransAt);
      const clock = temporal.client.workflow.getHandle(segmentClockId(customerId));
      // It fired once and now sleeps until the week's window closes; no other run was ever started.
      expect((await clock.describe()).status.name).toBe('RUNNING');
      const runs = temporal.client.workflow.list({ query: `WorkflowId = '${segmentClockId(customerId)}'` });
      let count = 0;
      for await (const _ of runs) count++;
      expect(count).toBe(1);
    }
  }, 120_000);
});
