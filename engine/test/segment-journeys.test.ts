import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';

const inVip = [{ path: 'segment', op: 'eq', value: 'vip' }];

/** Journeys react to segment membership: a wait that ends on entering, a trigger on leaving (with a worker). */
describe('journeys on segment entry and exit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
    const created = await h.call('POST', '/v1/segments', {
      id: 'vip',
      name: 'VIP',
      rules: { kind: 'attribute', trait: 'plan', op: 'eq', value: 'vip' },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  const enrollmentsOf = async (customerId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/enrollments`)).body as {
      id: string;
      journeyId: string;
      status: string;
    }[];

  it('a wait for event ends when the customer enters the segment; leaving it triggers another journey', async () => {
    const waiting = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          {
            id: 'wait',
            type: 'wait_for_event',
            config: { event: 'segment_entered', where: inVip, timeout: { amount: 3, unit: 'days' } },
          },
          { id: 'promoted', type: 'exit', config: {} },
          { id: 'late', type: 'exit', config: {} },
        ],
        ['start->wait', 'wait:happened->promoted', 'wait:timed_out->late'],
      ),
      'Waits for VIP',
    );
    const onExit = await h.publish(
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'segment_exited', where: inVip, reentry: 'once' },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->end'],
      ),
      'Win back a VIP',
    );

    await h.track('sj-ann', 'signed_up');
    const [enrollment] = await enrollmentsOf('sj-ann');
    await eventually(async () => {
      const { body } = await h.call('GET', `/v1/enrollments/${enrollment.id}`);
      return body.enrollment.currentNodeId === 'wait' && body.enrollment.waitingFor !== null;
    });
    await h.identify('sj-ann', { plan: 'vip' });
    await h.identify('sj-ann', { plan: 'free' });

    const [step] = await h.stepsWhenEnded('sj-ann', 'wait');
    expect(step).toMatchObject({ port: 'happened' });
    expect((await enrollmentsOf('sj-ann')).map((e) => e.journeyId).sort()).toEqual([waiting, onExit].sort());
    // Someone who never was a VIP enters neither.
    await h.identify('sj-bob', { plan: 'free' });
    expect(await enrollmentsOf('sj-bob')).toEqual([]);
  });
});
