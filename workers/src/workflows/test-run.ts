import type { CustomerEvent, EnrollmentStatus, TestRunInput, TestRunOutcome } from '@itinera/schemas';
import { condition, proxyActivities, sleep, startChild } from '@temporalio/workflow';
import type { TestRunActivities } from '../test-runs/activities.ts';
import { customerEventSignal, exitSignal, journeyWorkflow } from './journey-workflow.ts';

const WEEK_MS = 7 * 86_400_000;

const { recordTestEvent, shiftHistory } = proxyActivities<TestRunActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

/**
 * One test run: the real journeyWorkflow runs as a child while this workflow plays the scenario's events at
 * their simulated times. Every wait is a server timer, so the time-skipping server jumps over them, and
 * concurrent runs each keep their own timing.
 */
export async function testRunWorkflow(input: TestRunInput): Promise<TestRunOutcome> {
  // The test server's clock is wherever earlier runs left it; moving it to the request's weekday and time of
  // day keeps quiet hours, time-of-day and weekday waits as they would be for a customer entering now.
  const skew = (((input.requestedAtMs - Date.now()) % WEEK_MS) + WEEK_MS) % WEEK_MS;
  if (skew > 0) await sleep(skew);
  const startedMs = Date.now();
  await shiftHistory({ customerId: input.customerId, deltaMs: startedMs - input.requestedAtMs });
  const event = (name: string, properties: Record<string, unknown>, n: number): CustomerEvent => {
    const at = new Date().toISOString();
    return {
      messageId: `${input.runId}:${n}`,
      customerId: input.customerId,
      event: name,
      properties,
      timestamp: at,
      receivedAt: at,
    };
  };
  const trigger = event(input.triggerEvent, input.triggerProperties, 0);
  const child = await startChild(journeyWorkflow, {
    workflowId: input.runId,
    args: [{ enrollmentId: input.runId, customerId: input.customerId, journey: input.journey, trigger }],
  });
  let ended: EnrollmentStatus | undefined;
  const result = child.result().then((status) => {
    ended = status;
    return status;
  });

  const events: TestRunOutcome['events'] = [];
  for (const [i, step] of input.steps.entries()) {
    const untilMs = startedMs + step.afterMs;
    if (untilMs > Date.now()) await condition(() => ended !== undefined, untilMs - Date.now());
    const signalled = event(step.event, step.properties, i + 1);
    events.push({ at: signalled.timestamp, event: step.event, delivered: ended === undefined });
    if (ended !== undefined) continue;
    await recordTestEvent(signalled);
    await child.signal(customerEventSignal, signalled);
  }

  const horizonLeft = startedMs + input.horizonMs - Date.now();
  const finished = await condition(() => ended !== undefined, Math.max(horizonLeft, 1));
  if (!finished) await child.signal(exitSignal, { reason: 'the test run reached its horizon' });
  const status = await result;
  return {
    status: finished ? status : 'waiting',
    startedAt: new Date(startedMs).toISOString(),
    endedAt: new Date().toISOString(),
    events,
    trigger,
  };
}
