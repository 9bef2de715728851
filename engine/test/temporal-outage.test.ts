import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedTemporal, startTemporalDev } from '../../scripts/lib/servers.mjs';
import { PATHS_FILE } from '../../scripts/lib/tools.mjs';
import { eventually, type Harness, startHarness } from '../../test/support/harness.ts';
import { waitForEventJourney } from '../../test/support/journeys.ts';
import { startSweeper } from '../src/services/sweeper.ts';

const journey = waitForEventJourney({ kind: 'event', event: 'signed_up' }, 'paid', {
  event: 'paid',
  timeout: { amount: 30, unit: 'days' },
});

describe('while Temporal is down, events are accepted and delivered once it is back', () => {
  const dir = mkdtempSync(join(process.env.ITINERA_TEST_DATA_DIR ?? tmpdir(), 'temporal-outage-'));
  const dbFile = join(dir, 'temporal.db');
  // The run's own dev server is given by address, so the CLI's path comes from the provisioned tools.
  const bin = (JSON.parse(readFileSync(PATHS_FILE, 'utf8')) as { temporal: string }).temporal;
  let temporal: StartedTemporal;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let h: Harness;

  beforeAll(async () => {
    temporal = await startTemporalDev({ bin, headless: true, dbFile, logFile: join(dir, 'temporal.log') });
    connection = await Connection.connect({ address: temporal.address });
    nativeConnection = await NativeConnection.connect({ address: temporal.address });
    h = await startHarness({ client: new Client({ connection }), nativeConnection });
  });
  afterAll(async () => {
    await h?.close();
    await nativeConnection?.close();
    await connection?.close();
    await temporal?.stop();
  });

  const enrollmentOf = async (customerId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/enrollments`)).body[0];

  it('answers 202 for a track that enters or signals, then delivers both after Temporal returns', async () => {
    await h.publish(journey);
    await h.track('waiting', 'signed_up');
    await eventually(async () => (await enrollmentOf('waiting'))?.waitingFor);

    await temporal.stop();
    const down = Date.now();
    const entering = await h.call('POST', '/v1/track', { userId: 'newcomer', event: 'signed_up' }, 'ingest');
    const signalling = await h.call('POST', '/v1/track', { userId: 'waiting', event: 'paid' }, 'ingest');
    console.log(`two tracks answered in ${Date.now() - down} ms with Temporal down`);
    expect([entering.status, signalling.status]).toEqual([202, 202]);
    expect(signalling.body).toMatchObject({ accepted: 1, deferred: 1 });
    expect(await h.db.collection(COLLECTIONS.pendingRoutes).countDocuments({ deferred: true })).toBe(2);

    temporal = await startTemporalDev({
      bin,
      headless: true,
      dbFile,
      port: temporal.port,
      logFile: join(dir, 'temporal-again.log'),
    });
    const back = Date.now();
    const sweeper = startSweeper(h.app.services, { intervalMs: 500 });
    // What the test asserts is delivery, not its speed: a freshly restarted server on a loaded CI machine
    // can take a while before the worker's polls reach it again.
    const untilDelivered = 60_000;
    try {
      const [step] = await h.stepsWhenEnded('waiting', 'paid', untilDelivered).catch(async (error) => {
        const routes = await h.db.collection(COLLECTIONS.pendingRoutes).find({}).toArray();
        console.error('still pending when the test gave up:', JSON.stringify(routes));
        throw error;
      });
      expect(step).toMatchObject({ outcome: 'happened' });
      await eventually(async () => (await enrollmentOf('newcomer'))?.waitingFor, untilDelivered);
      console.log(`delivered ${Date.now() - back} ms after Temporal answered again`);
      expect(await h.db.collection(COLLECTIONS.pendingRoutes).countDocuments({})).toBe(0);
    } finally {
      await sweeper.stop();
    }
  }, 120_000);
});
