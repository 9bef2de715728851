import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, graph } from '../../test/support/journeys.ts';

interface Step {
  nodeId: string;
  at: string;
  outcome: string;
  reason: string;
}

describe('journeys with long waits, on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;

  beforeAll(async () => {
    h = await timeSkippingHarness({});
    env = h.env;
  });
  afterAll(async () => {
    await h?.close();
  });

  const enrollmentOf = async (customerId: string) => {
    const { body } = await h.call('GET', `/v1/customers/${customerId}/enrollments`);
    return body[0];
  };
  const timelineOf = async (enrollmentId: string): Promise<Step[]> =>
    (await h.call('GET', `/v1/enrollments/${enrollmentId}`)).body.timeline;
  const messagesOf = (customerId: string) =>
    h.messages<{ channel: string; to: string; body: string }>(customerId);
  const settled = (customerId: string) =>
    eventually(async () => {
      const e = await enrollmentOf(customerId);
      return e && e.status !== 'active' ? e : undefined;
    });

  it('runs days of waits in seconds and sends each message at the right (skipped) time', async () => {
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          { id: 'wait2', type: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } },
          {
            id: 'email',
            type: 'send',
            config: { channel: 'email', subject: 'Welcome', body: 'Hi {{ profile.first_name }}' },
          },
          { id: 'wait3', type: 'wait', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
          { id: 'sms', type: 'send', config: { channel: 'sms', body: 'Code: WELCOME10' } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->wait2', 'wait2->email', 'email->wait3', 'wait3->sms', 'sms->end'],
      ),
    );
    await h.identify('grace', { email: 'grace@example.com', phone: '+15550001', first_name: 'Grace' });
    const startedAt = await env.currentTimeMs();
    await h.track('grace', 'signed_up');
    const waiting = await eventually(async () => {
      const e = await enrollmentOf('grace');
      return e?.currentNodeId === 'wait2' && e.nextWakeAt ? e : undefined;
    });
    expect(Date.parse(waiting.nextWakeAt) - startedAt).toBeGreaterThanOrEqual(days(2) - 60_000);
    expect(await messagesOf('grace')).toHaveLength(0);

    await env.sleep(days(6));
    const ended = await settled('grace');
    expect(ended.status).toBe('completed');
    const steps = await timelineOf(ended.id);
    const at = (id: string) => Date.parse(steps.find((s) => s.nodeId === id)!.at) - startedAt;
    expect(at('email')).toBeGreaterThanOrEqual(days(2));
    expect(at('email')).toBeLessThan(days(2) + 3_600_000);
    expect(at('sms')).toBeGreaterThanOrEqual(days(5));
    expect(at('sms')).toBeLessThan(days(5) + 3_600_000);
    expect(steps.find((s) => s.nodeId === 'wait3')!.reason).toBe('Waited 3 days');
    const messages = await messagesOf('grace');
    expect(messages.map((m: { channel: string; to: string }) => [m.channel, m.to]).sort()).toEqual([
      ['email', 'grace@example.com'],
      ['sms', '+15550001'],
    ]);
  });

  it('wait for event: follows "happened" when the event comes in time, "timed_out" otherwise', async () => {
    await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'cart_abandoned', reentry: 'once' },
          },
          {
            id: 'buy',
            type: 'wait_for_event',
            config: {
              event: 'order_completed',
              where: [{ path: 'total', op: 'gte', value: 10 }],
              timeout: { amount: 3, unit: 'days' },
            },
          },
          {
            id: 'thanks',
            type: 'send',
            config: {
              channel: 'email',
              to: 'ops@example.com',
              body: 'Order of {{ event.properties.total }}',
            },
          },
          { id: 'nudge', type: 'send', config: { channel: 'sms', to: '+1555', body: 'Come back' } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->buy', 'buy:happened->thanks', 'buy:timed_out->nudge', 'thanks->end', 'nudge->end'],
      ),
    );
    await h.track('buyer', 'cart_abandoned');
    await h.track('idler', 'cart_abandoned');
    await eventually(
      async () =>
        (await enrollmentOf('buyer'))?.currentNodeId === 'buy' &&
        (await enrollmentOf('idler'))?.currentNodeId === 'buy',
    );
    await env.sleep(days(1));
    await h.track('buyer', 'order_completed', { total: 5 });
    await h.track('buyer', 'order_completed', { total: 25 });
    const bought = await settled('buyer');
    expect((await messagesOf('buyer'))[0]).toMatchObject({
      channel: 'email',
      body: expect.stringMatching(/^Order of 25<img/),
    });
    expect((await timelineOf(bought.id)).find((s) => s.nodeId === 'buy')).toMatchObject({
      outcome: 'happened',
    });

    await env.sleep(days(3));
    const idle = await settled('idler');
    const step = (await timelineOf(idle.id)).find((s) => s.nodeId === 'buy')!;
    expect(step).toMatchObject({ outcome: 'timed_out', reason: 'No "order_completed" within 3 days' });
    expect((await messagesOf('idler'))[0]).toMatchObject({ channel: 'sms', body: 'Come back' });
  });

  it('a goal event converts the customer mid-wait, before anything else is sent', async () => {
    await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'trial_started', reentry: 'once' },
          },
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 10, unit: 'days' } } },
          { id: 'upsell', type: 'send', config: { channel: 'email', to: 'x@example.com', body: 'Upgrade!' } },
          { id: 'end', type: 'exit', config: {} },
          { id: 'goal', type: 'goal', config: { event: 'subscribed' } },
        ],
        ['start->wait', 'wait->upsell', 'upsell->end'],
      ),
    );
    await h.track('linus', 'trial_started');
    await eventually(async () => (await enrollmentOf('linus'))?.currentNodeId === 'wait');
    await env.sleep(days(1));
    await h.track('linus', 'subscribed');
    const ended = await settled('linus');
    expect(ended.status).toBe('converted');
    expect(ended.endReason).toContain('Converted: "subscribed"');
    const steps = await timelineOf(ended.id);
    expect(steps.map((s) => s.nodeId)).toEqual(['start', 'goal']);
    await env.sleep(days(10));
    expect(await messagesOf('linus')).toHaveLength(0);
  });

  it("time-of-day waits land on the customer's local hour, across a DST change", async () => {
    // Start in a northern winter whatever today's date is, so the 20-week wait crosses New York's March change.
    const now = await env.currentTimeMs();
    await env.sleep(Date.UTC(new Date(now).getUTCFullYear() + 1, 0, 10) - now);
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'tz_test', reentry: 'once' } },
          { id: 'tokyo9', type: 'wait', config: { mode: 'time_of_day', time: '09:00' } },
          { id: 'long', type: 'wait', config: { mode: 'duration', duration: { amount: 20, unit: 'weeks' } } },
          { id: 'monday9', type: 'wait', config: { mode: 'time_of_day', time: '09:00', weekdays: [1] } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->tokyo9', 'tokyo9->long', 'long->monday9', 'monday9->end'],
      ),
    );
    await h.identify('kenji', { timezone: 'Asia/Tokyo' });
    await h.identify('nora', { timezone: 'America/New_York' });
    await h.track('kenji', 'tz_test');
    await h.track('nora', 'tz_test');
    await eventually(
      async () =>
        (await enrollmentOf('kenji'))?.currentNodeId === 'tokyo9' &&
        (await enrollmentOf('nora'))?.currentNodeId === 'tokyo9',
    );
    await env.sleep(days(7 * 22));
    const localTime = (iso: string, timeZone: string) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short',
      }).format(new Date(iso));
    for (const [customer, zone] of [
      ['kenji', 'Asia/Tokyo'],
      ['nora', 'America/New_York'],
    ] as const) {
      const ended = await settled(customer);
      const steps = await timelineOf(ended.id);
      expect(localTime(steps.find((s) => s.nodeId === 'tokyo9')!.at, zone)).toMatch(/09:00/);
      expect(localTime(steps.find((s) => s.nodeId === 'monday9')!.at, zone)).toMatch(/^Mon.*09:00/);
    }
    const nora = await timelineOf((await settled('nora')).id);
    const first = new Date(nora.find((s) => s.nodeId === 'tokyo9')!.at).getUTCHours();
    const afterDst = new Date(nora.find((s) => s.nodeId === 'monday9')!.at).getUTCHours();
    expect([first, afterDst]).toEqual([14, 13]);
  });
});
