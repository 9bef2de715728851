import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from './support/harness.ts';
import { graph } from './support/journeys.ts';

describe('end to end on the Temporal dev server and the Mongo-wire store', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  it('API write -> workflow -> activity -> result visible through the API', async () => {
    const journeyId = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          {
            id: 'hello',
            type: 'send',
            config: {
              channel: 'email',
              subject: 'Hi {{ profile.first_name }}',
              body: 'Plan: {{ trigger.properties.plan }}',
            },
          },
          {
            id: 'buy',
            type: 'wait_for_event',
            config: { event: 'order_completed', timeout: { amount: 1, unit: 'hours' } },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->hello', 'hello->buy', 'buy:happened->end', 'buy:timed_out->end'],
      ),
    );
    await h.identify('ada', { email: 'ada@example.com', first_name: 'Ada' });
    await h.track('ada', 'signed_up', { plan: 'pro' });

    const waiting = await eventually(async () => {
      const { body } = await h.call('GET', '/v1/customers/ada/enrollments', undefined, 'support');
      return body[0]?.currentNodeId === 'buy' && body[0]?.waitingFor ? body[0] : undefined;
    });
    expect(waiting).toMatchObject({ journeyId, status: 'active', version: 1 });
    expect(waiting.nextWakeAt).toBeTruthy();

    const messages = await h.call('GET', '/v1/customers/ada/messages', undefined, 'support');
    expect(messages.body).toHaveLength(1);
    expect(messages.body[0]).toMatchObject({
      channel: 'email',
      to: 'ada@example.com',
      subject: 'Hi Ada',
      body: expect.stringMatching(/^Plan: pro<img src=".*\/t\/o\//),
    });

    await h.track('ada', 'order_completed', { total: 42 });
    const done = await eventually(async () => {
      const { body } = await h.call('GET', `/v1/enrollments/${waiting.id}`, undefined, 'support');
      return body.enrollment.status === 'completed' ? body : undefined;
    });
    expect(done.timeline.map((s: { nodeId: string }) => s.nodeId)).toEqual(['start', 'hello', 'buy', 'end']);
    expect(done.timeline[2]).toMatchObject({ outcome: 'happened', port: 'happened' });
    expect(done.timeline[2].reason).toContain('"order_completed" happened');

    const stats = await h.call('GET', `/v1/journeys/${journeyId}/stats`);
    expect(stats.body).toMatchObject({ entered: 1, completed: 1, active: 0 });
    expect(stats.body.nodes.hello).toEqual({ active: 0, passed: 1 });
  });

  it("branches on the customer's event history: did X at least N times within D days", async () => {
    await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'checkout_started', reentry: 'concurrent' },
          },
          {
            id: 'loyal',
            type: 'condition',
            config: {
              combinator: 'and',
              rules: [
                {
                  kind: 'event_count',
                  event: 'order_completed',
                  where: [{ path: 'total', op: 'gte', value: 20 }],
                  atLeast: 2,
                  withinDays: 30,
                },
              ],
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->loyal', 'loyal:yes->end', 'loyal:no->end'],
      ),
    );
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await h.call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'regular', event: 'order_completed', properties: { total: 25 } },
          { type: 'track', userId: 'regular', event: 'order_completed', properties: { total: 30 } },
          {
            type: 'track',
            userId: 'lapsed',
            event: 'order_completed',
            properties: { total: 25 },
            timestamp: longAgo,
          },
          { type: 'track', userId: 'lapsed', event: 'order_completed', properties: { total: 30 } },
          { type: 'track', userId: 'lapsed', event: 'order_completed', properties: { total: 5 } },
        ],
      },
      'ingest',
    );
    for (const c of ['regular', 'lapsed']) await h.track(c, 'checkout_started');
    const decision = async (c: string) => (await h.stepsWhenEnded(c, 'loyal'))[0];
    expect(await decision('regular')).toMatchObject({
      outcome: 'yes',
      reason: 'Yes: "order_completed" 2 time(s) in 30 days (needed 2)',
    });
    expect(await decision('lapsed')).toMatchObject({
      outcome: 'no',
      reason: 'No: "order_completed" 1 time(s) in 30 days (needed 2)',
    });
  });

  it('exiting a customer stops a send that is still retrying', async () => {
    let attempts = 0;
    const server = createServer((_req, res) => {
      attempts++;
      res.writeHead(503).end('busy');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'flaky', reentry: 'once' } },
          {
            id: 'hook',
            type: 'send',
            config: {
              channel: 'webhook',
              url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
              body: '{}',
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->hook', 'hook->end'],
      ),
    );
    await h.track('impatient', 'flaky');
    await eventually(async () => attempts >= 2);
    const [enrollment] = (await h.call('GET', '/v1/customers/impatient/enrollments')).body;
    expect(
      (await h.call('POST', `/v1/enrollments/${enrollment.id}/exit`, { reason: 'vendor down' }, 'support'))
        .status,
    ).toBe(202);
    const ended = await eventually(async () => {
      const { body } = await h.call('GET', `/v1/enrollments/${enrollment.id}`);
      return body.enrollment.status === 'exited' ? body : undefined;
    });
    expect(ended.timeline.at(-1)).toMatchObject({
      nodeId: 'hook',
      outcome: 'exited',
      reason: 'Exited by request: vendor down',
    });
    const attemptsAtExit = attempts;
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(attempts).toBe(attemptsAtExit);
    server.close();
  });
});
