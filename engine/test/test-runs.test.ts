import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../test/support/harness.ts';
import { leftovers, testRunHarness, thirtyDayJourney } from '../../test/support/test-runs.ts';
import { testRunService } from '../src/services/test-runs/index.ts';

const DAY = 86_400_000;
/** Simulated time also moves (in real time) while activities run, so a step lands just after its timer. */
const expectDays = (ms: number, days: number) => {
  expect(ms).toBeGreaterThanOrEqual(days * DAY);
  expect(ms).toBeLessThan(days * DAY + 3_600_000);
};

describe('test runs of a 30-day journey on the time-skipping server', () => {
  let h: Harness;
  let journeyId: string;

  beforeAll(async () => {
    h = await testRunHarness();
    const template = await h.call('POST', '/v1/templates', {
      id: 'welcome',
      name: 'Welcome',
      channel: 'email',
      subject: 'Welcome, {{ profile.first_name }}',
      body: '<p>Hi {{ profile.first_name }}, glad you joined.</p>',
    });
    expect(template.status).toBe(201);
    journeyId = await h.publish(thirtyDayJourney(), '30-day onboarding');
    await h.identify('ada', { email: 'ada@example.com', phone: '+15550100', first_name: 'Ada' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const run = async (body: object) => {
    const response = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  it('converts through the SMS nudge when the customer browses on day 1 and buys on day 3', async () => {
    const result = await run({
      version: 1,
      customerId: 'ada',
      scenario: {
        steps: [
          { after: '1 day', event: 'viewed_item', properties: { name: 'red shoes' } },
          { after: 'P3D', event: 'purchased', properties: { amount: 40 } },
        ],
      },
    });
    expect(result.path).toEqual(['start', 'welcome', 'browse', 'nudge', 'buy', 'thanks', 'bought']);
    expect(result.status).toBe('completed');
    expectDays(result.clock.elapsedMs, 3);
    expect(result.events.map((e: { event: string; delivered: boolean }) => [e.event, e.delivered])).toEqual([
      ['viewed_item', true],
      ['purchased', true],
    ]);
    const messages = result.messages.map((m: Record<string, string>) => [
      m.nodeId,
      m.status,
      m.to,
      m.subject,
      m.body,
    ]);
    expect(messages).toEqual([
      [
        'welcome',
        'sent',
        'ada@example.com',
        'Welcome, Ada',
        expect.stringContaining('Hi Ada, glad you joined.'),
      ],
      ['nudge', 'sent', '+15550100', undefined, 'Still thinking about red shoes, Ada?'],
      ['thanks', 'sent', 'ada@example.com', 'Thanks', expect.stringContaining('You spent 40')],
    ]);
    const at = (nodeId: string) =>
      Date.parse(result.timeline.find((s: { nodeId: string }) => s.nodeId === nodeId).at) -
      Date.parse(result.clock.startedAt);
    expectDays(at('nudge'), 1);
    expectDays(at('thanks'), 3);
  });

  it('wins back a customer who never browses, on day 30', async () => {
    const askedAt = Date.now();
    const result = await run({ customerId: 'ada', scenario: { steps: [] } });
    // The simulated clock starts on the same weekday and time of day as the request.
    const offset = (Date.parse(result.clock.startedAt) - askedAt) % (7 * DAY);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(60_000);
    expect(result.path).toEqual(['start', 'welcome', 'browse', 'later', 'winback', 'gone']);
    expectDays(result.clock.elapsedMs, 30);
    const browse = result.timeline.find((s: { nodeId: string }) => s.nodeId === 'browse');
    expect(browse.port).toBe('timed_out');
    expect(result.messages.map((m: { nodeId: string }) => m.nodeId)).toEqual(['welcome', 'winback']);
  });

  it('lets a browser who never buys lapse on day 23, for a made-up profile', async () => {
    const result = await run({
      profile: { traits: { email: 'nobody@example.com', phone: '+15550199', first_name: 'Zed' } },
      scenario: { steps: [{ after: '2 days', event: 'viewed_item', properties: { name: 'a hat' } }] },
    });
    expect(result.customerId).toBeNull();
    expect(result.path).toEqual(['start', 'welcome', 'browse', 'nudge', 'buy', 'lapsed']);
    expectDays(result.clock.elapsedMs, 23);
    expect(result.messages.map((m: { to: string; body: string }) => [m.to, m.body])).toContainEqual([
      '+15550199',
      'Still thinking about a hat, Zed?',
    ]);
  });

  it('keeps each run on its own clock when runs overlap', async () => {
    const profile = { traits: { email: 'pat@example.com', phone: '+15550177', first_name: 'Pat' } };
    const [silent, buyer] = await Promise.all([
      run({ profile, scenario: { steps: [] } }),
      run({
        profile,
        scenario: {
          steps: [
            { after: '1 day', event: 'viewed_item', properties: { name: 'a lamp' } },
            { after: '3 days', event: 'purchased', properties: { amount: 12 } },
          ],
        },
      }),
    ]);
    expect(silent.path.at(-1)).toBe('gone');
    expectDays(silent.clock.elapsedMs, 30);
    expect(buyer.path.at(-1)).toBe('bought');
    expectDays(buyer.clock.elapsedMs, 3);
  });

  it('changes nothing real: no enrollment, message, delivery or cap slot, and an empty sandbox', async () => {
    const counts = await leftovers(h, 'ada');
    expect(
      Object.values(counts).every((n) => n === 0),
      JSON.stringify(counts),
    ).toBe(true);
    const customer = await h.call('GET', '/v1/customers/ada');
    expect(customer.body.traits).toEqual({ email: 'ada@example.com', phone: '+15550100', first_name: 'Ada' });
  });

  it('refuses bad requests naming the field', async () => {
    const unknown = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      customerId: 'nobody-here',
      scenario: { steps: [] },
    });
    expect([unknown.status, unknown.body.field]).toEqual([404, 'customerId']);
    const badDelay = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      profile: { traits: {} },
      scenario: { steps: [{ after: 'soonish', event: 'x' }] },
    });
    expect(badDelay.status).toBe(400);
    expect(JSON.stringify(badDelay.body)).toContain('after');
    const both = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      customerId: 'ada',
      profile: { traits: {} },
      scenario: { steps: [] },
    });
    expect([both.status, both.body.field]).toEqual([400, 'profile']);
  });

  it('answers 503 at once without a time-skipping server or a test-run worker', async () => {
    const request = { profile: { traits: {} }, scenario: { steps: [] } };
    const failure = (target: Parameters<typeof testRunService>[2]) =>
      testRunService(h.db, h.app.services.journeys, target)
        .run(journeyId, request)
        .catch((e: { statusCode: number; message: string }) => [e.statusCode, e.message]);
    expect(await failure(undefined)).toEqual([503, expect.stringContaining('time-skipping')]);
    expect(await failure({ client: undefined as never, taskQueue: 'nobody-polls' })).toEqual([
      503,
      'No test-run worker is running (task queue "nobody-polls")',
    ]);
  });
});
