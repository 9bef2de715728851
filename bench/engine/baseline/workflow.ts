import {
  condition,
  defineSignal,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { BaselineActivities } from './activities.ts';

/** The node types the hand-coded journey knows, run in order (every branch leads to the next step). */
export type BaselineStep = 'trigger' | 'send' | 'wait' | 'wait_for_event' | 'condition' | 'exit';

export interface BaselineInput {
  enrollmentId: string;
  customerId: string;
  journeyId: string;
  steps: BaselineStep[];
  waitMs: number;
  eventTimeoutMs: number;
  /** The event `wait_for_event` waits for. */
  waitFor: string;
}

export const baselineEventSignal = defineSignal<[{ event: string }]>('event');

const { sendEmail } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });
const { recordStep, markWaiting, loadProfile } = proxyLocalActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
});

/** A journey written by hand against Temporal, doing the same side effects as Itinera's interpreter. */
export async function baselineJourney(input: BaselineInput): Promise<void> {
  const received: string[] = [];
  setHandler(baselineEventSignal, ({ event }) => {
    received.push(event);
  });
  const { enrollmentId, customerId } = input;
  for (const [index, step] of input.steps.entries()) {
    const nodeId = `${step}-${index}`;
    let outcome = 'done';
    if (step === 'send') {
      await sendEmail({ customerId, idempotencyKey: `${enrollmentId}:${nodeId}:1`, body: 'hi' });
      outcome = 'sent';
    } else if (step === 'wait') {
      await markWaiting({
        enrollmentId,
        nodeId,
        nextWakeAt: new Date(Date.now() + input.waitMs).toISOString(),
      });
      await sleep(input.waitMs);
    } else if (step === 'wait_for_event') {
      const wakeAt = new Date(Date.now() + input.eventTimeoutMs).toISOString();
      await markWaiting({ enrollmentId, nodeId, nextWakeAt: wakeAt });
      const happened = await condition(() => received.includes(input.waitFor), input.eventTimeoutMs);
      outcome = happened ? 'happened' : 'timed_out';
    } else if (step === 'condition') {
      outcome = (await loadProfile(customerId)).plan === 'pro' ? 'yes' : 'no';
    }
    await recordStep({
      enrollmentId,
      journeyId: input.journeyId,
      customerId,
      nodeId,
      nodeType: step,
      outcome,
      at: new Date().toISOString(),
      ended: index === input.steps.length - 1,
    });
  }
}
