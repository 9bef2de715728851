import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph } from '../../test/support/journeys.ts';
import { testRunHarness } from '../../test/support/test-runs.ts';
import { unlockTimeSkipping } from '../src/test-runs/clock.ts';

const thirtyDays = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
    { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->wait', 'wait->end'],
);

/**
 * A time-skipping server stays up while the worker restarts. Each restart asks to unlock its clock again;
 * one unlock too many breaks the server's clock, and the test run then times out instead of completing.
 */
describe.each([
  { server: 'started locked, as someone else may start it', locked: true },
  { server: 'started unlocked, as npm start starts it', locked: false },
])('the test-run clock across worker restarts, on a server $server', ({ locked }) => {
  let h: Awaited<ReturnType<typeof testRunHarness>>;
  beforeAll(async () => {
    // Locked, the harness's worker has unlocked it already.
    h = await testRunHarness({ locked });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a restarted worker leaves the clock moving, and waits are still skipped', async () => {
    for (let restart = 0; restart < 2; restart++)
      await expect(unlockTimeSkipping(h.timeSkippingAddress)).resolves.toBeUndefined();
    const journeyId = await h.publish(thirtyDays, '30 days');
    const { status, body } = await h.call('POST', `/v1/journeys/${journeyId}/test-runs`, {
      profile: { traits: { email: 'restarted@example.com' } },
      scenario: { steps: [] },
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('completed');
    expect(body.path).toEqual(['start', 'wait', 'end']);
    expect(body.clock.elapsedMs).toBeGreaterThanOrEqual(30 * 86_400_000);
  });
});

it('an unreachable time-skipping server fails the unlock', async () => {
  await expect(unlockTimeSkipping('127.0.0.1:1')).rejects.toThrow();
});
