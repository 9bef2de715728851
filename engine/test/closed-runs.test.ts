import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { startSweeper } from '../src/services/sweeper.ts';

const longWait = (event: string) =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event, reentry: 'once' } },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->wait', 'wait->end'],
  );

describe('an enrollment whose workflow closed does not stay active', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const waiting = (customerId: string) =>
    eventually(async () => {
      const [enrollment] = (await h.call('GET', `/v1/customers/${customerId}/enrollments`)).body;
      return enrollment?.waitingFor ? (enrollment as { id: string }) : undefined;
    });
  const enrollment = async (id: string) => (await h.call('GET', `/v1/enrollments/${id}`)).body.enrollment;
  const client = () => h.app.services.enrollments.router.client;

  it('the sweeper marks a terminated run failed within a few sweeps', async () => {
    await h.publish(longWait('terminate_me'));
    await h.track('stopped', 'terminate_me');
    const { id } = await waiting('stopped');
    await client().workflow.getHandle(id).terminate('operator cleanup');
    const sweeper = startSweeper(h.app.services, { intervalMs: 500 });
    try {
      const ended = await eventually(async () => {
        const found = await enrollment(id);
        return found.status !== 'active' ? found : undefined;
      });
      expect(ended).toMatchObject({ status: 'failed', waitingFor: null });
      expect(ended.endReason).toContain('terminated');
    } finally {
      await sweeper.stop();
    }
  });

  it('a cancelled run records its own end, even though its scope is cancelled', async () => {
    await h.publish(longWait('cancel_me'));
    await h.track('cancelled', 'cancel_me');
    const { id } = await waiting('cancelled');
    await client().workflow.getHandle(id).cancel();
    const [step] = await h.stepsWhenEnded('cancelled', 'wait');
    expect(step).toMatchObject({ outcome: 'cancelled' });
    expect(await enrollment(id)).toMatchObject({ status: 'exited' });
  });
});
