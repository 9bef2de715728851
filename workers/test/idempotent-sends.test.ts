import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { testDatabase } from '../../test/support/servers.ts';
import { sendActivities } from '../src/activities/send/index.ts';
import { outboxProvider } from '../src/providers/outbox.ts';

/** A receiver that, like Stripe, stores one message per Idempotency-Key; it can hold a request open. */
function startReceiver() {
  const requests: { key: string; body: string }[] = [];
  const stored = new Map<string, string>();
  let hold = true;
  let onFirst: (res: ServerResponse) => void = () => {};
  const firstArrived = new Promise<ServerResponse>((resolve) => (onFirst = resolve));
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const key = String(req.headers['idempotency-key']);
    requests.push({ key, body });
    if (hold) {
      hold = false;
      onFirst(res);
      return;
    }
    const duplicate = stored.has(key);
    stored.set(key, body);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, duplicate }));
  });
  return { server, requests, stored, firstArrived };
}

function startWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'workers/src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('side effects happen once', () => {
  let h: Harness;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    h = await devServerHarness({ inProcessWorker: false });
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await h?.close();
  });

  it('a worker killed mid-send is replaced and the webhook lands exactly once', async () => {
    const receiver = startReceiver();
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    const url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hook`;
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'paid', reentry: 'once' } },
          {
            id: 'hook',
            type: 'send',
            config: { channel: 'webhook', url, body: '{"customer": "{{ customer_id }}"}' },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->hook', 'hook->end'],
      ),
    );
    const workerEnv = {
      MONGODB_URI: inject('MONGODB_URI'),
      MONGODB_DB: h.db.databaseName,
      TEMPORAL_ADDRESS: inject('TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
    };
    const first = startWorkerProcess(workerEnv);
    workers.push(first);
    await h.track('payer', 'paid');

    const held = await receiver.firstArrived;
    first.kill('SIGKILL');
    await once(first, 'exit');
    held.socket?.destroy();

    workers.push(startWorkerProcess(workerEnv));
    const enrollment = await eventually(async () => {
      const [e] = (await h.call('GET', '/v1/customers/payer/enrollments')).body;
      return e?.status === 'completed' ? e : undefined;
    }, 90_000);

    expect(receiver.requests).toHaveLength(2);
    expect(new Set(receiver.requests.map((r) => r.key)).size).toBe(1);
    expect(receiver.stored.size).toBe(1);
    expect(JSON.parse([...receiver.stored.values()][0])).toEqual({ customer: 'payer' });
    const deliveries = await h.db.collection(COLLECTIONS.deliveries).find().toArray();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'sent', response: { ok: true, duplicate: false } });
    const { timeline } = (await h.call('GET', `/v1/enrollments/${enrollment.id}`)).body;
    expect(timeline.filter((s: { nodeId: string }) => s.nodeId === 'hook')).toEqual([
      expect.objectContaining({ outcome: 'sent' }),
    ]);
    receiver.server.close();
  }, 120_000);

  it('a retried send after a crash between delivery and acknowledgement does not send again', async () => {
    const { db, close: closeDb } = await testDatabase();
    const outbox = outboxProvider(db);
    const { sendMessage } = sendActivities(db, { email: outbox, sms: outbox, push: outbox, webhook: outbox });
    const input = {
      idempotencyKey: 'enr-1:email:1',
      enrollmentId: 'enr-1',
      journeyId: 'j',
      journeyName: 'J',
      nodeId: 'email',
      customerId: 'cust',
      config: { channel: 'email' as const, to: 'cust@example.com', body: 'Hello' },
      vars: {},
    };
    await db
      .collection(COLLECTIONS.deliveries)
      .insertOne({ _id: input.idempotencyKey as never, status: 'sending', channel: 'email' });
    await outbox.send(
      { ...input, ...input.config, channel: 'email' },
      { idempotencyKey: input.idempotencyKey },
    );
    const retried = await sendMessage(input);
    const again = await sendMessage(input);
    expect(retried.status).toBe('sent');
    expect(again.status).toBe('duplicate');
    expect(await db.collection(COLLECTIONS.messages).countDocuments()).toBe(1);
    await closeDb();
  });
});
