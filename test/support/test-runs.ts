import { COLLECTIONS, type JourneyGraph, TEST_RUN_SANDBOX } from '@itinera/schemas';
import { Client } from '@temporalio/client';
import { unlockTimeSkipping } from '../../workers/src/test-runs/clock.ts';
import { createTestRunWorker } from '../../workers/src/test-runs/worker.ts';
import { type Harness, startHarness } from './harness.ts';
import { graph } from './journeys.ts';
import { ownTimeSkippingServer, uniqueTaskQueue, workflowBundle } from './servers.ts';

/**
 * The API with test runs wired to a time-skipping server of its own, plus a test-run worker on it. The server
 * starts with time skipping on, as `npm start` starts it, unless `locked`: then the worker unlocks it, as it
 * does a server started by someone else.
 */
export async function testRunHarness(
  options: { locked?: boolean } = {},
): Promise<Harness & { timeSkippingAddress: string }> {
  const server = await ownTimeSkippingServer({ unlocked: !options.locked });
  let h: Harness | undefined;
  try {
    const { env } = server;
    const taskQueue = uniqueTaskQueue();
    const started = await startHarness({
      client: env.client,
      nativeConnection: env.nativeConnection,
      testRuns: { client: new Client({ connection: env.connection }), taskQueue, timeoutMs: 90_000 },
    });
    h = started;
    const worker = await createTestRunWorker({
      connection: env.nativeConnection,
      taskQueue,
      db: started.db,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    const stopWorker = async () => {
      worker.shutdown();
      await running;
    };
    if (options.locked)
      await unlockTimeSkipping(server.address).catch(async (error) => {
        await stopWorker();
        throw error;
      });
    return {
      ...started,
      timeSkippingAddress: server.address,
      async close() {
        await stopWorker();
        await started.close().finally(() => server.stop());
      },
    };
  } catch (error) {
    await h?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}

/** Documents left in the test-run sandbox and in the real customer-scoped collections for these ids. */
export async function leftovers(h: Harness, customerId: string) {
  const counts: Record<string, number> = {};
  for (const name of Object.values(TEST_RUN_SANDBOX))
    counts[name] = await h.db.collection(name).countDocuments({});
  for (const name of [
    COLLECTIONS.enrollments,
    COLLECTIONS.messages,
    COLLECTIONS.deliveries,
    COLLECTIONS.capSlots,
  ])
    counts[name] = await h.db.collection(name).countDocuments({ customerId });
  counts[COLLECTIONS.promoAssignments] = await h.db
    .collection(COLLECTIONS.promoAssignments)
    .countDocuments({});
  return counts;
}

/**
 * A 30-day journey with three ways through: welcome -> (viewed an item within 7 days? nudge by SMS, then
 * purchased within 21 days? thanks : lapsed) : (wait until day 30, win-back email).
 */
export function thirtyDayJourney(buyTimeoutDays = 21): JourneyGraph {
  const days = (amount: number) => ({ amount, unit: 'days' });
  return graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
      { id: 'welcome', type: 'send', config: { channel: 'email', templateId: 'welcome', body: '' } },
      { id: 'browse', type: 'wait_for_event', config: { event: 'viewed_item', timeout: days(7) } },
      {
        id: 'nudge',
        type: 'send',
        config: {
          channel: 'sms',
          body: 'Still thinking about {{ event.properties.name }}, {{ profile.first_name }}?',
        },
      },
      { id: 'buy', type: 'wait_for_event', config: { event: 'purchased', timeout: days(buyTimeoutDays) } },
      {
        id: 'thanks',
        type: 'send',
        config: { channel: 'email', subject: 'Thanks', body: 'You spent {{ event.properties.amount }}' },
      },
      { id: 'bought', type: 'exit', config: {} },
      { id: 'lapsed', type: 'exit', config: {} },
      { id: 'later', type: 'wait', config: { mode: 'duration', duration: days(23) } },
      {
        id: 'winback',
        type: 'send',
        config: { channel: 'email', subject: 'We miss you', body: 'Come back' },
      },
      { id: 'gone', type: 'exit', config: {} },
    ],
    [
      'start->welcome',
      'welcome->browse',
      'browse:happened->nudge',
      'nudge->buy',
      'buy:happened->thanks',
      'thanks->bought',
      'buy:timed_out->lapsed',
      'browse:timed_out->later',
      'later->winback',
      'winback->gone',
    ],
  );
}
