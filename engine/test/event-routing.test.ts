import { COLLECTIONS, ENROLLMENT_WORKFLOW } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, waitForEventJourney } from '../../test/support/journeys.ts';

const waitForPurchase = (trigger: string) =>
  waitForEventJourney(
    { kind: 'event', event: trigger },
    'bought',
    {
      event: 'purchase',
      where: [{ path: 'sku', op: 'eq', value: 'pro' }],
      timeout: { amount: 30, unit: 'days' },
    },
    [{ id: 'goal', type: 'goal', config: { event: 'upgraded' } }],
  );

describe('events go only where they are awaited', () => {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const waitingEnrollment = async (customerId: string) =>
    eventually(async () => {
      const { body } = await h.call('GET', `/v1/customers/${customerId}/enrollments`);
      return body[0]?.waitingFor ? (body[0] as { id: string }) : undefined;
    });
  const historyLength = async (workflowId: string) =>
    (await h.env.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;

  it('an unrelated event, or an awaited one whose filter fails, adds 0 events to a waiting history', async () => {
    await h.publish(waitForPurchase('joined_a'));
    await h.track('busy', 'joined_a');
    const { id } = await waitingEnrollment('busy');
    // Settled once the wait's timer is in history (the task that set up the wait has completed).
    const before = await eventually(async () => {
      const events = (await h.env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      return events.some((e) => e.timerStartedEventAttributes) ? events.length : undefined;
    });
    for (let i = 0; i < 50; i++) await h.track('busy', 'page_viewed', { i });
    await h.track('busy', 'purchase', { sku: 'basic' });
    const after = await historyLength(id);
    console.log(`history events per unrelated event: ${(after - before) / 51} (${before} -> ${after})`);
    expect(after).toBe(before);

    await h.track('busy', 'purchase', { sku: 'pro' });
    const [step] = await h.stepsWhenEnded('busy', 'bought');
    expect(step).toMatchObject({ outcome: 'happened' });
  });

  it('a goal event still reaches the waiting customer, and the workflow input leaves canvas positions out', async () => {
    await h.publish(waitForPurchase('joined_b'));
    await h.track('goer', 'joined_b');
    const { id } = await waitingEnrollment('goer');
    const history = await h.env.client.workflow.getHandle(id).fetchHistory();
    const started = history.events?.[0].workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started?.input?.payloads?.[0].data ?? []).toString());
    expect(input.journey.graph.nodes.every((n: object) => !('position' in n))).toBe(true);
    await h.track('goer', 'upgraded');
    const [goal] = await h.stepsWhenEnded('goer', 'goal');
    expect(goal).toMatchObject({ outcome: 'converted' });
  });

  it('an enrollment recorded but never started gets its run when an awaited event arrives', async () => {
    const journeyId = await h.publish(waitForPurchase('joined_c'));
    const id = `enrollment:${journeyId}:lost:once`;
    await h.db.collection(COLLECTIONS.enrollments).insertOne({
      _id: id as never,
      journeyId,
      journeyName: 'Test journey',
      version: 1,
      customerId: 'lost',
      entryNumber: 1,
      status: 'active',
      currentNodeId: 'start',
      nextWakeAt: null,
      waitingFor: null,
      enteredAt: new Date().toISOString(),
      endedAt: null,
      endReason: null,
      triggerMessageId: 'm-lost',
      triggerEvent: null,
    });
    await h.track('lost', 'purchase', { sku: 'pro' });
    const description = await h.env.client.workflow.getHandle(id).describe();
    expect(description.type).toBe(ENROLLMENT_WORKFLOW);
    // The event that started the run was handed to it, but only waits begun after it count.
    await h.env.sleep(days(31));
    const [step] = await h.stepsWhenEnded('lost', 'bought');
    expect(step).toMatchObject({ outcome: 'timed_out' });
  });

  it('a signal that finds the run terminated ends the enrollment as failed', async () => {
    await h.publish(waitForPurchase('joined_d'));
    await h.track('gone', 'joined_d');
    const { id } = await waitingEnrollment('gone');
    await h.env.client.workflow.getHandle(id).terminate('operator stopped it');
    await h.track('gone', 'purchase', { sku: 'pro' });
    const { enrollment } = (await h.call('GET', `/v1/enrollments/${id}`)).body;
    expect(enrollment).toMatchObject({ status: 'failed' });
    expect(enrollment.endReason).toContain('terminated');
  });
});
