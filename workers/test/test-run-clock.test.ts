import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph } from '../../test/support/journeys.ts';
import { testRunHarness } from '../../test/support/test-runs.ts';
import { unlockTimeSkipping } from '../src/test-runs/clock.ts';

/** A time-skipping server the worker did not start stays up while the worker restarts. */
describe('the test-run clock across worker restarts', () => {
  let h: Awaited<ReturnType<typeof testRunHarness>>;
  beforeAll(async () => {
    // A server started locked, whose clock the harness's worker has already unlocked.
    h = await testRunHarness({ locked: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a restarted worker unlocks again without failing, and waits are still skipped', async () => {
    // Each restart asks again. The server refuses a second unlock, and its clock would then race ahead of
    // workflow tasks: the test run below would time out instead of completing.
    for (let restart = 0; restart < 2; restart++)
      await expect(unlockTimeSkipping(h.timeSkippingAddress)).resolves.toBeUndefined();
    const journeyId = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->wait', 'wait->end'],
      ),
      '30 days',
    );
    const { status, body } = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      profile: { traits: { email: 'restarted@example.com' } },
      scenario: { steps: [] },
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('completed');
    expect(body.path).toEqual(['start', 'wait', 'end']);
    expect(body.clock.elapsedMs).toBeGreaterThanOrEqual(30 * 86_400_000);
  });

  it('still fails when the server cannot be reached', async () => {
    await expect(unlockTimeSkipping('127.0.0.1:1')).rejects.toThrow();
  });
});
