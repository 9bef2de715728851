import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Harness, startHarness } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { temporalSettingsFromEnv } from '../../src/temporal/index.ts';
import { makeTestPki, startMtlsProxy } from './tls-proxy.ts';

describe('mTLS to Temporal, configured only through the environment', () => {
  const serverName = 'temporal.itinera.test';
  const pki = makeTestPki(serverName);
  let proxy: Awaited<ReturnType<typeof startMtlsProxy>>;
  let h: Harness;
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    proxy = await startMtlsProxy(pki, inject('TEMPORAL_ADDRESS'));
    const settings = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS_CERT: pki.clientCert,
      TEMPORAL_TLS_KEY: pki.clientKey,
      TEMPORAL_TLS_CA: pki.ca,
      TEMPORAL_TLS_SERVER_NAME: serverName,
    });
    connection = await Connection.connect(settings.connection);
    nativeConnection = await NativeConnection.connect(settings.connection);
    const client = new Client({ connection, namespace: settings.namespace });
    h = await startHarness({ client, nativeConnection });
  });
  afterAll(async () => {
    await h?.close();
    await connection?.close();
    await nativeConnection?.close();
    proxy?.server.close();
  });

  it('the API client and the worker both connect with client certificates and run a journey', async () => {
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'tls_hello', reentry: 'once' } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->end'],
      ),
    );
    await h.track('secure', 'tls_hello');
    const [step] = await h.stepsWhenEnded('secure', 'end');
    expect(step.nodeId).toBe('end');
    const { body } = await h.call('GET', '/v1/customers/secure/enrollments');
    expect(body[0].status).toBe('completed');
    expect(proxy.verifiedClients()).toBeGreaterThanOrEqual(2);
  });

  it('a client without a certificate is refused', async () => {
    const settings = temporalSettingsFromEnv({
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS_CA: pki.ca,
      TEMPORAL_TLS_SERVER_NAME: serverName,
    });
    const verifiedBefore = proxy.verifiedClients();
    await expect(Connection.connect({ ...settings.connection, connectTimeout: 3_000 })).rejects.toThrow();
    expect(proxy.verifiedClients()).toBe(verifiedBefore);
  });
});
