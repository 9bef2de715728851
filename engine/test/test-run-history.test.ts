import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { testRunHarness } from '../../test/support/test-runs.ts';

/** joined -> count a visit on the profile -> wait 2 days -> two purchases in 30 days (history included)? */
const loyaltyJourney = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'joined', reentry: 'once' } },
    {
      id: 'count',
      type: 'update_profile',
      config: { operations: [{ path: 'visits', op: 'increment', value: 1 }] },
    },
    { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } },
    {
      id: 'loyal_check',
      type: 'condition',
      config: {
        combinator: 'and',
        rules: [
          { kind: 'event_count', event: 'purchased', atLeast: 2, withinDays: 30 },
          { kind: 'attribute', path: 'visits', op: 'eq', value: 4 },
        ],
      },
    },
    { id: 'loyal', type: 'exit', config: {} },
    { id: 'casual', type: 'exit', config: {} },
  ],
  ['start->count', 'count->wait', 'wait->loyal_check', 'loyal_check:yes->loyal', 'loyal_check:no->casual'],
);

describe("test runs see the customer's history on the simulated clock and keep their writes", () => {
  let h: Harness;
  let journeyId: string;

  beforeAll(async () => {
    h = await testRunHarness();
    await h.identify('cy', { email: 'cy@example.com', visits: 3 });
    await h.track('cy', 'purchased', { amount: 10 });
    journeyId = await h.publish(loyaltyJourney, 'Loyalty');
    // Leave the shared simulated clock most of a year ahead of real time, where runs usually find it.
    const year = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'joined', reentry: 'once' } },
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 300, unit: 'days' } } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->wait', 'wait->end'],
      ),
      'A long wait',
    );
    const long = await h.call('POST', `/v1/journeys/${year}/test-runs`, {
      profile: { traits: {} },
      scenario: { steps: [], horizon: '320 days' },
    });
    expect(long.body.path).toEqual(['start', 'wait', 'end']);
  });
  afterAll(async () => {
    await h?.close();
  });

  const run = async (steps: object[]) => {
    const response = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      customerId: 'cy',
      scenario: { steps },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  it('counts a real past purchase and a scenario purchase together, and the profile update it made', async () => {
    const result = await run([{ after: '1 day', event: 'purchased', properties: { amount: 25 } }]);
    expect(result.path).toEqual(['start', 'count', 'wait', 'loyal_check', 'loyal']);
    expect(Date.parse(result.clock.startedAt) - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });

  it('takes the other branch without the scenario purchase, and the real profile never changed', async () => {
    const result = await run([]);
    expect(result.path.at(-1)).toBe('casual');
    const customer = await h.call('GET', '/v1/customers/cy');
    expect(customer.body.traits.visits).toBe(3);
    const events = await h.call('GET', '/v1/customers/cy/events');
    expect(events.body.filter((e: { event: string }) => e.event === 'purchased')).toHaveLength(1);
  });
});
