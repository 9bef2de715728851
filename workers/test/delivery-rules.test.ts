import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTIONS } from '@itinera/schemas';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, graph } from '../../test/support/journeys.ts';

interface Message {
  channel: string;
  to: string;
  subject?: string;
  body: string;
  unsubscribeUrl?: string;
}

const sendJourney = (event: string, send: Record<string, unknown>, after: string[] = []) =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event, reentry: 'concurrent' } },
      {
        id: 'send',
        type: 'send',
        config: { channel: 'email', subject: 'Hi', body: 'Hello {{ profile.first_name }}', ...send },
      },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->send', 'send->end', ...after],
  );

describe('delivery rules: consent, fallback, quiet hours, caps, promo codes, tracking', () => {
  let env: TestWorkflowEnvironment;
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness({});
    env = h.env;
  });
  afterAll(async () => {
    await h?.close();
  });

  const sendSteps = (customerId: string) => h.stepsWhenEnded(customerId, 'send');
  const messagesOf = (customerId: string) => h.messages<Message>(customerId);

  it('skips opted-out customers, except for transactional messages, and falls back across channels', async () => {
    await h.publish(sendJourney('promo', { fallbackChannels: ['sms'] }));
    await h.publish(
      sendJourney('receipt', { transactional: true, topic: 'transactional', body: 'Your receipt' }),
    );
    await h.identify('optout', { email: 'o@example.com', phone: '+1000' });
    await h.identify('nophone', { email: 'n@example.com' });
    await h.identify('prefers_sms', { email: 'p@example.com', phone: '+2000', preferred_channel: 'sms' });
    expect(
      (
        await h.call(
          'PUT',
          '/v1/customers/optout/subscriptions',
          { channels: { email: false, sms: false } },
          'support',
        )
      ).status,
    ).toBe(200);
    expect(
      (await h.call('PUT', '/v1/customers/nophone/subscriptions', { channels: { email: false } }, 'support'))
        .status,
    ).toBe(200);
    for (const c of ['optout', 'nophone', 'prefers_sms']) await h.track(c, 'promo');
    await h.track('optout', 'receipt');

    const [receipt, promo] = (await sendSteps('optout')).sort((a, b) => a.outcome.localeCompare(b.outcome));
    expect(receipt).toMatchObject({ outcome: 'sent', reason: expect.stringContaining('Sent email') });
    expect(promo.outcome).toBe('skipped');
    expect(promo.reason).toContain('email: unsubscribed; sms: unsubscribed');
    const delivered = await messagesOf('optout');
    expect(delivered).toHaveLength(1);
    expect(delivered[0].body).toMatch(/^Your receipt<img src=".*\/t\/o\//);
    const [nophone] = await sendSteps('nophone');
    expect(nophone.reason).toContain('email: unsubscribed; sms: no phone');
    expect((await messagesOf('prefers_sms'))[0]).toMatchObject({ channel: 'sms', to: '+2000' });
  });

  it('one-click unsubscribe updates consent at once and emits an event journeys can wait for', async () => {
    await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'newsletter_signup', reentry: 'once' },
          },
          {
            id: 'send',
            type: 'send',
            config: {
              channel: 'email',
              topic: 'newsletter',
              subject: 'News',
              body: '<p>Read <a href="https://example.com/news">this</a></p>',
            },
          },
          {
            id: 'bye',
            type: 'wait_for_event',
            config: { event: 'unsubscribed', timeout: { amount: 7, unit: 'days' } },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->send', 'send->bye', 'bye:happened->end', 'bye:timed_out->end'],
      ),
    );
    await h.identify('reader', { email: 'r@example.com' });
    await h.track('reader', 'newsletter_signup');
    const [message] = await eventually(async () => {
      const list = await messagesOf('reader');
      return list.length > 0 ? list : undefined;
    });
    const url = new URL(message.unsubscribeUrl!);
    expect(url.pathname).toMatch(/^\/u\/[\w-]+\.[\w-]+$/);
    const forged = await h.app.inject({ method: 'POST', url: `${url.pathname}x` });
    expect(forged.statusCode).toBe(404);
    const page = await h.app.inject({ method: 'GET', url: url.pathname });
    expect(page.body).toContain('"newsletter" messages');
    const done = await h.app.inject({
      method: 'POST',
      url: url.pathname,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.statusCode).toBe(200);
    expect((await h.call('GET', '/v1/customers/reader/subscriptions')).body).toEqual({
      channels: {},
      topics: { newsletter: false },
    });
    const [step] = await eventually(async () => {
      const [e] = (await h.call('GET', '/v1/customers/reader/enrollments')).body;
      if (e.status === 'active') return undefined;
      return (await h.call('GET', `/v1/enrollments/${e.id}`)).body.timeline.filter(
        (s: { nodeId: string }) => s.nodeId === 'bye',
      );
    });
    expect(step.outcome).toBe('happened');
  });

  it('tracks opens and clicks as events and on the delivery record, through signed links only', async () => {
    const journeyId = await h.publish(
      sendJourney('tracked', {
        body: '<html><body><a href="https://shop.example/sale?x=1">Sale</a></body></html>',
      }),
    );
    await h.identify('clicker', { email: 'c@example.com' });
    await h.track('clicker', 'tracked');
    await sendSteps('clicker');
    const [message] = await messagesOf('clicker');
    const click = message.body.match(/href="http:\/\/localhost:\d+(\/t\/c\/[^"]+)"/)![1];
    const pixel = message.body.match(/src="http:\/\/localhost:\d+(\/t\/o\/[^"]+)"/)![1];
    expect((await h.app.inject({ method: 'GET', url: pixel })).headers['content-type']).toBe('image/gif');
    const redirect = await h.app.inject({ method: 'GET', url: click });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('https://shop.example/sale?x=1');
    expect((await h.app.inject({ method: 'GET', url: `${click.slice(0, -3)}abc` })).statusCode).toBe(404);
    const events = (await h.call('GET', '/v1/customers/clicker/events')).body.map(
      (e: { event: string }) => e.event,
    );
    expect(events).toEqual(expect.arrayContaining(['email_opened', 'email_clicked']));
    const perNode = (await h.call('GET', `/v1/journeys/${journeyId}/deliveries`)).body.nodes.send;
    expect(perNode).toMatchObject({ sent: 1, opened: 1, clicked: 1 });
  });

  it('defers sends inside quiet hours until they end, and visibly', async () => {
    const now = new Date(await env.currentTimeMs());
    const hhmm = (d: Date) =>
      `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const end = new Date(now.getTime() + 3 * 3_600_000);
    const quietHours = { start: hhmm(new Date(now.getTime() - 3_600_000)), end: hhmm(end) };
    expect(
      (await h.call('PUT', '/v1/settings/delivery', { quietHours, frequencyCaps: [] }, 'marketer')).status,
    ).toBe(200);
    await h.publish(sendJourney('late_night', {}));
    await h.identify('sleeper', { email: 's@example.com', timezone: 'UTC' });
    await h.track('sleeper', 'late_night');
    await eventually(async () =>
      (await h.call('GET', '/v1/customers/sleeper/enrollments')).body[0]?.waitingFor?.includes('quiet hours'),
    );
    expect(await messagesOf('sleeper')).toHaveLength(0);
    await env.sleep(4 * 3_600_000);
    const [step] = await sendSteps('sleeper');
    expect(step.reason).toMatch(/^Sent email after waiting \(quiet hours until/);
    expect(hhmm(new Date(step.at))).toBe(quietHours.end);
    await h.call('PUT', '/v1/settings/delivery', { quietHours: null, frequencyCaps: [] }, 'marketer');
  });

  it('holds frequency caps across journeys: the next send waits for a free slot or is skipped', async () => {
    await h.call('PUT', '/v1/settings/delivery', {
      quietHours: null,
      frequencyCaps: [{ channel: 'email', max: 1, windowHours: 24 }],
    });
    await h.publish(sendJourney('cap_a', { subject: 'A' }));
    await h.publish(sendJourney('cap_b', { subject: 'B' }));
    await h.publish(sendJourney('cap_c', { subject: 'C', onCap: 'skip' }));
    await h.identify('capped', { email: 'cap@example.com' });
    await h.track('capped', 'cap_a');
    await sendSteps('capped');
    await h.track('capped', 'cap_b');
    await h.track('capped', 'cap_c');
    await eventually(async () =>
      (await h.call('GET', '/v1/customers/capped/enrollments')).body.some(
        (e: { waitingFor: string | null }) => e.waitingFor?.includes('frequency cap'),
      ),
    );
    await env.sleep(days(1) + 60_000);
    const steps = await sendSteps('capped');
    const outcomes = steps.map((s) => s.outcome).sort();
    expect(outcomes).toEqual(['sent', 'sent', 'skipped']);
    expect(steps.find((s) => s.outcome === 'skipped')?.reason).toContain(
      'frequency cap: at most 1 email per 24h',
    );
    expect((await messagesOf('capped')).map((m) => m.subject).sort()).toEqual(['A', 'B']);
    await h.call('PUT', '/v1/settings/delivery', { quietHours: null, frequencyCaps: [] });
  });

  it('gives each customer their own promo code and says so when the pool runs out', async () => {
    const pool = await h.call(
      'POST',
      '/v1/promo-pools',
      { id: 'launch', name: 'Launch', kind: 'list' },
      'marketer',
    );
    expect(pool.status).toBe(201);
    await h.call('POST', '/v1/promo-pools/launch/codes', { codes: ['ONLY-ONE'] }, 'marketer');
    await h.publish(
      sendJourney('promo_time', { channel: 'sms', body: 'Your code: {{ promo_code }}', promoPool: 'launch' }),
    );
    await h.identify('first', { phone: '+1' });
    await h.track('first', 'promo_time');
    expect((await sendSteps('first'))[0].outcome).toBe('sent');
    await h.identify('second', { phone: '+2' });
    await h.track('second', 'promo_time');
    expect((await sendSteps('second'))[0]).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('promo pool "launch" is exhausted'),
    });
    expect((await messagesOf('first'))[0].body).toBe('Your code: ONLY-ONE');
    const delivery = await h.db.collection(COLLECTIONS.deliveries).findOne({ customerId: 'first' });
    expect(delivery?.promoCode).toBe('ONLY-ONE');
  });

  it('a webhook reply is captured so a later condition can branch on it', async () => {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ approved: req.url === '/score?customer=vip' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'apply', reentry: 'once' } },
          {
            id: 'ask',
            type: 'send',
            config: {
              channel: 'webhook',
              method: 'GET',
              url: `${base}/score?customer={{ customer_id }}`,
              body: '',
            },
          },
          {
            id: 'check',
            type: 'condition',
            config: {
              combinator: 'and',
              rules: [{ kind: 'context', path: 'response.approved', op: 'eq', value: true }],
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->ask', 'ask->check', 'check:yes->end', 'check:no->end'],
      ),
    );
    for (const c of ['vip', 'nobody']) await h.track(c, 'apply');
    const outcome = async (c: string) => (await h.stepsWhenEnded(c, 'check'))[0];
    expect(await outcome('vip')).toMatchObject({
      outcome: 'yes',
      reason: 'Yes: journey response.approved eq true held',
    });
    expect((await outcome('nobody')).outcome).toBe('no');
    server.close();
  });
});
