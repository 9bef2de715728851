import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, graph, leaveUnrouted, waitThenExit } from '../../test/support/journeys.ts';

describe('entry rules and version pinning', () => {
  let env: TestWorkflowEnvironment;
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness({});
    env = h.env;
  });
  afterAll(async () => {
    await h?.close();
  });

  const enrollments = async (journeyId: string, customerId: string) =>
    (await h.call('GET', `/v1/enrollments?journeyId=${journeyId}&customerId=${customerId}`)).body as Array<{
      status: string;
      id: string;
      version: number;
    }>;
  const allEnded = (journeyId: string, customerId: string) =>
    eventually(async () => {
      const list = await enrollments(journeyId, customerId);
      return list.length > 0 && list.every((e) => e.status !== 'active') ? list : undefined;
    });

  it('"once": a customer enters one time ever, and a repeated messageId changes nothing', async () => {
    const id = await h.publish(waitThenExit('once_evt'));
    await h.track('c1', 'once_evt', {}, 'msg-1');
    await h.track('c1', 'once_evt', {}, 'msg-1');
    await h.track('c1', 'once_evt', {}, 'msg-2');
    expect(await enrollments(id, 'c1')).toHaveLength(1);
    await env.sleep(days(2));
    await allEnded(id, 'c1');
    await h.track('c1', 'once_evt', {}, 'msg-3');
    expect(await enrollments(id, 'c1')).toHaveLength(1);
  });

  it('"after_exit": enters again only once the previous enrollment ended', async () => {
    const id = await h.publish(waitThenExit('again_evt', { reentry: 'after_exit' }));
    await h.track('c2', 'again_evt');
    await h.track('c2', 'again_evt');
    expect(await enrollments(id, 'c2')).toHaveLength(1);
    await env.sleep(days(2));
    await allEnded(id, 'c2');
    await h.track('c2', 'again_evt');
    const list = await enrollments(id, 'c2');
    expect(list).toHaveLength(2);
    expect(list.filter((e) => e.status === 'active')).toHaveLength(1);
  });

  it('"concurrent": every trigger starts its own enrollment; duplicates of one message do not', async () => {
    const id = await h.publish(waitThenExit('many_evt', { reentry: 'concurrent' }));
    await h.track('c3', 'many_evt', {}, 'a');
    await h.track('c3', 'many_evt', {}, 'b');
    await h.track('c3', 'many_evt', {}, 'b');
    const list = await enrollments(id, 'c3');
    expect(list).toHaveLength(2);
    expect(list.every((e) => e.status === 'active')).toBe(true);
  });

  it('an entry limit caps how many customers enter, and the trigger filter applies', async () => {
    const limited = graph(
      [
        {
          id: 'start',
          type: 'trigger',
          config: {
            kind: 'event',
            event: 'vip_evt',
            reentry: 'once',
            entryLimit: 2,
            where: [{ path: 'tier', op: 'eq', value: 'gold' }],
          },
        },
        { id: 'end', type: 'exit', config: {} },
      ],
      ['start->end'],
    );
    const id = await h.publish(limited);
    await h.track('silver', 'vip_evt', { tier: 'silver' });
    for (const customer of ['g1', 'g2', 'g3']) await h.track(customer, 'vip_evt', { tier: 'gold' });
    const entered = (await h.call('GET', `/v1/enrollments?journeyId=${id}`)).body;
    expect(entered.map((e: { customerId: string }) => e.customerId).sort()).toEqual(['g1', 'g2']);
  });

  it('the entry limit and re-entry rules hold when triggers arrive at the same moment', async () => {
    const id = await h.publish(waitThenExit('rush_evt', { reentry: 'after_exit', entryLimit: 5 }));
    const customers = Array.from({ length: 12 }, (_, i) => `rush${i % 6}`);
    await Promise.all(customers.map((c) => h.track(c, 'rush_evt')));
    const entered = (await h.call('GET', `/v1/enrollments?journeyId=${id}`)).body;
    expect(entered).toHaveLength(5);
    expect(new Set(entered.map((e: { customerId: string }) => e.customerId)).size).toBe(5);
  });

  it('an accepted event whose routing was cut short is routed by the sweeper, once', async () => {
    const id = await h.publish(waitThenExit('swept_evt'));
    await leaveUnrouted(h.db, 'crashed-1', 'swept', 'swept_evt');
    expect(await h.app.services.ingestion.sweepUnrouted()).toBe(1);
    expect(await h.app.services.ingestion.sweepUnrouted()).toBe(0);
    expect(await enrollments(id, 'swept')).toHaveLength(1);
    await h.track('swept', 'swept_evt', {}, 'crashed-1');
    expect(await enrollments(id, 'swept')).toHaveLength(1);
  });

  it('customers inside v1 finish on v1 after v2 is published; newcomers get v2', async () => {
    const v1 = graph(
      [
        { id: 'start', type: 'trigger', config: { kind: 'event', event: 'pin_evt', reentry: 'once' } },
        { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } },
        { id: 'send', type: 'send', config: { channel: 'email', to: 'a@example.com', body: 'version one' } },
        { id: 'end', type: 'exit', config: {} },
      ],
      ['start->wait', 'wait->send', 'send->end'],
    );
    const id = await h.publish(v1);
    await h.track('early', 'pin_evt');
    const v2 = structuredClone(v1);
    v2.nodes[2].config.body = 'version two';
    expect((await h.call('PUT', `/v1/journeys/${id}`, { graph: v2 }, 'marketer')).status).toBe(200);
    expect(
      (await h.call('POST', `/v1/journeys/${id}/publish`, { note: 'new copy' }, 'marketer')).status,
    ).toBe(201);
    await h.track('late', 'pin_evt');
    await env.sleep(days(3));
    const [early] = await allEnded(id, 'early');
    const [late] = await allEnded(id, 'late');
    expect([early.version, late.version]).toEqual([1, 2]);
    const body = async (c: string) =>
      (await h.call('GET', `/v1/customers/${c}/messages`)).body[0].body.split('<img')[0];
    expect([await body('early'), await body('late')]).toEqual(['version one', 'version two']);
    const versions = (await h.call('GET', `/v1/journeys/${id}/versions`)).body;
    expect(versions.map((v: { version: number; note: string }) => [v.version, v.note])).toEqual([
      [2, 'new copy'],
      [1, 'test'],
    ]);
  });

  it('enters a list of customers through the API, once per request id', async () => {
    const apiJourney = graph(
      [
        { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
        { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
        { id: 'end', type: 'exit', config: {} },
      ],
      ['start->wait', 'wait->end'],
    );
    const id = await h.publish(apiJourney);
    const body = { customerIds: ['l1', 'l2'], requestId: 'import-7' };
    const first = await h.call('POST', `/v1/journeys/${id}/entries`, body, 'marketer');
    const again = await h.call('POST', `/v1/journeys/${id}/entries`, body, 'marketer');
    expect(first.body.results.map((r: { entered: boolean }) => r.entered)).toEqual([true, true]);
    expect(again.body.results.map((r: { entered: boolean }) => r.entered)).toEqual([true, true]);
    expect((await h.call('GET', `/v1/enrollments?journeyId=${id}`)).body).toHaveLength(2);
  });

  it('support staff can exit a customer mid-wait; the timeline says who did it', async () => {
    const id = await h.publish(waitThenExit('exit_evt'));
    await h.track('c9', 'exit_evt');
    const [enrollment] = await enrollments(id, 'c9');
    await eventually(
      async () => (await h.call('GET', `/v1/enrollments/${enrollment.id}`)).body.enrollment.waitingFor,
    );
    const exit = await h.call(
      'POST',
      `/v1/enrollments/${enrollment.id}/exit`,
      { reason: 'customer asked' },
      'support',
    );
    expect(exit.status).toBe(202);
    const [ended] = await allEnded(id, 'c9');
    expect(ended.status).toBe('exited');
    const { timeline } = (await h.call('GET', `/v1/enrollments/${enrollment.id}`)).body;
    expect(timeline.at(-1)).toMatchObject({
      nodeId: 'wait',
      outcome: 'exited',
      reason: 'Exited by request: customer asked',
    });
  });
});
