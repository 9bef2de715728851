import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, type Harness, startHarness } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { temporalSettingsFromEnv } from '../../src/temporal/index.ts';

describe('payloads in Temporal history are encrypted when ITINERA_PAYLOAD_KEY is set', () => {
  // The settings the API and the worker build from the environment, used for both connection types.
  const settings = temporalSettingsFromEnv({
    TEMPORAL_ADDRESS: inject('TEMPORAL_ADDRESS'),
    ITINERA_PAYLOAD_KEY: `test-1:${randomBytes(32).toString('base64')}`,
  });
  let h: Harness;
  let client: Client;
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    connection = await Connection.connect(settings.connection);
    nativeConnection = await NativeConnection.connect(settings.connection);
    client = new Client({ connection, namespace: settings.namespace, dataConverter: settings.dataConverter });
    h = await startHarness({ client, nativeConnection, dataConverter: settings.dataConverter });
  });
  afterAll(async () => {
    await h?.close();
    await connection?.close();
    await nativeConnection?.close();
  });

  it('the journey runs, and history holds no readable customer data', async () => {
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          {
            id: 'hi',
            type: 'send',
            config: { channel: 'email', subject: 'Hi', body: 'Hi {{ profile.first_name }}' },
          },
          {
            id: 'buy',
            type: 'wait_for_event',
            config: { event: 'order_completed', timeout: { amount: 1, unit: 'days' } },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->hi', 'hi->buy', 'buy:happened->end', 'buy:timed_out->end'],
      ),
    );
    await h.identify('grace', { email: 'grace.hopper@example.com', first_name: 'Grace' });
    await h.track('grace', 'signed_up', { plan: 'enterprise-secret-plan' });
    const waiting = await eventually(async () => {
      const { body } = await h.call('GET', '/v1/customers/grace/enrollments');
      return body[0]?.currentNodeId === 'buy' && body[0]?.waitingFor ? body[0] : undefined;
    });
    await h.track('grace', 'order_completed', { card_last4: '4242-secret' });
    const done = await eventually(async () => {
      const { body } = await h.call('GET', `/v1/enrollments/${waiting.id}`);
      return body.enrollment.status === 'completed' ? body : undefined;
    });
    expect(done.timeline.map((s: { nodeId: string }) => s.nodeId)).toEqual(['start', 'hi', 'buy', 'end']);
    expect((await h.messages<{ body: string }>('grace'))[0].body).toMatch(/^Hi Grace/);
    await client.workflow.getHandle(waiting.id).result();

    const history = await client.workflow.getHandle(waiting.id).fetchHistory();
    const payloads = collectPayloads(history.events);
    // Core's own local-activity marker bookkeeping (sequence number, activity type, times) is not user data.
    const userPayloads = payloads.filter((p) => !isMarkerMeta(p));
    expect(userPayloads.length).toBeGreaterThan(5);
    for (const payload of userPayloads) {
      expect(new TextDecoder().decode(payload.metadata?.encoding)).toBe('binary/encrypted');
      expect(new TextDecoder().decode(payload.metadata?.['encryption-key-id'])).toBe('test-1');
    }
    const raw = payloads.map((p) => Buffer.from(p.data ?? []).toString('latin1')).join('\n');
    for (const secret of [
      'grace.hopper@example.com',
      'enterprise-secret-plan',
      '4242-secret',
      'signed_up',
      'Grace',
    ])
      expect(raw).not.toContain(secret);
  });
});

interface RawPayload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}

/** Temporal's own bookkeeping: local-activity markers, `patched()` markers and the patch ids search attribute. */
function isMarkerMeta(payload: RawPayload): boolean {
  if (new TextDecoder().decode(payload.metadata?.encoding) !== 'json/plain') return false;
  const meta = JSON.parse(Buffer.from(payload.data ?? []).toString('utf8'));
  const localActivity =
    typeof meta?.activity_type === 'string' && typeof meta?.seq === 'number' && 'complete_time' in meta;
  const patchMarker = typeof meta?.id === 'string' && typeof meta?.deprecated === 'boolean';
  // The TemporalChangeVersion search attribute lists the patch ids the run has seen.
  const patchIds =
    Array.isArray(meta) && meta.every((id) => typeof id === 'string' && /^[a-z0-9.-]+$/.test(id));
  return localActivity || patchMarker || patchIds;
}

/** Every payload anywhere in the history events (inputs, signals, activity and marker data, results). */
function collectPayloads(value: unknown, found: RawPayload[] = []): RawPayload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'encoding' in (record.metadata as object))
    found.push(record as RawPayload);
  else for (const child of Object.values(record)) collectPayloads(child, found);
  return found;
}
