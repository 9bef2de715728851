import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

describe('split node across many customers', () => {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('holds its percentages and sends a returning customer down the same branch', async () => {
    const journeyId = await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'ab_test', reentry: 'concurrent' },
          },
          {
            id: 'ab',
            type: 'split',
            config: {
              branches: [
                { id: 'small', label: 'Small', percent: 30 },
                { id: 'large', label: 'Large', percent: 70 },
              ],
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->ab', 'ab:small->end', 'ab:large->end'],
      ),
    );
    const customers = Array.from({ length: 150 }, (_, i) => `ab-${i}`);
    await Promise.all(customers.map((c) => h.track(c, 'ab_test')));
    await Promise.all(customers.slice(0, 30).map((c) => h.track(c, 'ab_test')));

    const branches = await eventually(async () => {
      const stats = (await h.call('GET', `/v1/journeys/${journeyId}/stats`)).body;
      return stats.completed === 180 ? stats.nodes : undefined;
    }, 60_000);
    expect(branches.ab.passed).toBe(180);
    const steps = await h.db.collection(COLLECTIONS.steps).find({ journeyId, nodeId: 'ab' }).toArray();
    const byCustomer = new Map<string, Set<string>>();
    for (const step of steps) {
      if (!byCustomer.has(step.customerId)) byCustomer.set(step.customerId, new Set());
      byCustomer.get(step.customerId)!.add(step.port);
    }
    expect([...byCustomer.values()].every((ports) => ports.size === 1)).toBe(true);
    const small = [...byCustomer.values()].filter((ports) => ports.has('small')).length / customers.length;
    expect(small).toBeGreaterThan(0.2);
    expect(small).toBeLessThan(0.4);
  }, 120_000);
});
