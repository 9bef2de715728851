import './definition.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { workerPlugin } from './worker.ts';

describe('a custom node type registered from outside the built-ins', () => {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness({ plugins: [workerPlugin] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('appears in the node-type list with its schema and runs end to end', async () => {
    const types = (await h.call('GET', '/v1/node-types')).body;
    expect(types.find((t: { type: string }) => t.type === 'lead_score')).toMatchObject({
      title: 'Lead score',
      ports: [{ id: 'hot' }, { id: 'cold' }],
      configSchema: { properties: { points: { type: 'integer' } } },
    });
    await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'webinar_attended', reentry: 'concurrent' },
          },
          { id: 'score', type: 'lead_score', config: { points: 30, threshold: 50 } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->score', 'score:hot->end', 'score:cold->end'],
      ),
    );
    await h.identify('lead', { email: 'lead@example.com' });
    await h.track('lead', 'webinar_attended');
    await h.track('lead', 'webinar_attended');
    const outcomes = await eventually(async () => {
      const list = (await h.call('GET', '/v1/enrollments?customerId=lead')).body;
      if (list.length < 2 || list.some((e: { status: string }) => e.status === 'active')) return undefined;
      const timelines = await Promise.all(
        list.map(async (e: { id: string }) => (await h.call('GET', `/v1/enrollments/${e.id}`)).body.timeline),
      );
      return timelines.map((t) => t.find((s: { nodeId: string }) => s.nodeId === 'score').outcome).sort();
    });
    expect(outcomes).toEqual(['cold', 'hot']);
    expect((await h.call('GET', '/v1/customers/lead')).body.traits.lead_score).toBe(60);
  });
});
