import { COLLECTIONS, CONTROL_STEP_NODE, controlGroupFor, stickyPercentile } from '@itinera/schemas';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { days, graph } from '../../test/support/journeys.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';

const email = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'send',
  config: { channel: 'email', subject: 'Hi', body: 'Hello', ...extra },
});

describe('holdouts and the global control group', () => {
  let env: TestWorkflowEnvironment;
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness({});
    env = h.env;
  });
  afterAll(async () => {
    await h?.close();
  });

  const create = async (name: string, g: ReturnType<typeof graph>, settings: Record<string, unknown>) => {
    const created = await h.call('POST', '/v1/journeys', { name, graph: g, settings });
    expect(created.status).toBe(201);
    expect((await h.call('POST', `/v1/journeys/${created.body.id}/publish`, {})).status).toBe(201);
    return created.body.id as string;
  };
  const stepsAt = (journeyId: string, nodeId: string) =>
    h.db.collection(COLLECTIONS.steps).find({ journeyId, nodeId }).toArray();
  const allPassed = (journeyId: string, nodeId: string, count: number) =>
    eventually(async () => {
      const steps = await stepsAt(journeyId, nodeId);
      return steps.length === count ? steps : undefined;
    }, 90_000);

  it('holds out a stable share: counted, sent nothing, conversions tracked, lift reported', async () => {
    const journeyId = await create(
      'Holdout journey',
      graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: { kind: 'event', event: 'hold_start', reentry: 'after_exit' },
          },
          email('send'),
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 1, unit: 'days' } } },
          { id: 'end', type: 'exit', config: {} },
          { id: 'goal', type: 'goal', config: { event: 'hold_buy' } },
        ],
        ['start->send', 'send->wait', 'wait->end'],
      ),
      { holdoutPercent: 30 },
    );
    const customers = Array.from({ length: 40 }, (_, i) => `hold-${i}`);
    const expected = new Set(
      customers.filter((c) => controlGroupFor(c, { id: journeyId, settings: { holdoutPercent: 30 } }, 0)),
    );
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(customers.length);
    for (const c of customers) await h.identify(c, { email: `${c}@example.com` });
    for (const c of customers) await h.track(c, 'hold_start');

    const sends = await allPassed(journeyId, 'send', customers.length);
    const heldOut = new Set(sends.filter((s) => s.outcome === 'held_out').map((s) => s.customerId));
    expect(heldOut).toEqual(expected);
    for (const s of sends) if (!heldOut.has(s.customerId)) expect(s.outcome).toBe('sent');
    // No side effect at all: no delivery record and no message for anyone held out.
    const deliveries = await h.db.collection(COLLECTIONS.deliveries).find({ journeyId }).toArray();
    expect(deliveries.map((d) => d.customerId).sort()).toEqual(
      customers.filter((c) => !expected.has(c)).sort(),
    );
    const [held] = [...expected];
    expect(await h.messages(held)).toEqual([]);
    const timeline = (
      await h.call('GET', `/v1/enrollments/${sends.find((s) => s.customerId === held)!.enrollmentId}`)
    ).body.timeline;
    expect(timeline[0]).toMatchObject({
      nodeId: CONTROL_STEP_NODE,
      outcome: 'holdout',
      reason: expect.stringContaining('Held out: control group of journey "Holdout journey"'),
    });

    const buyers = [...[...expected].slice(0, 3), ...customers.filter((c) => !expected.has(c)).slice(0, 5)];
    for (const c of buyers) await h.track(c, 'hold_buy', { amount: 20 });
    await eventually(async () => {
      const converted = await h.db
        .collection(COLLECTIONS.enrollments)
        .countDocuments({ journeyId, status: 'converted' });
      return converted === buyers.length;
    }, 60_000);

    await foldAnalytics(h.db);
    const report = (await h.call('GET', `/v1/journeys/${journeyId}/holdout`)).body;
    expect(report.holdoutPercent).toBe(30);
    const arm = (id: string) => report.arms.find((a: { id: string }) => a.id === id);
    expect(arm('holdout')).toMatchObject({
      entered: expected.size,
      converted: 3,
      revenue: 60,
      isControl: true,
    });
    expect(arm('treated')).toMatchObject({
      entered: customers.length - expected.size,
      converted: 5,
      revenue: 100,
    });
    const versus = arm('treated').versusControl;
    expect(versus.difference.estimate).toBeCloseTo(
      5 / (customers.length - expected.size) - 3 / expected.size,
      10,
    );
    expect(versus.difference.low).toBeLessThan(versus.difference.estimate);
    expect(report.winner).toBeNull();

    // Sticky: the same customer entering again is held out again, and says so on the new timeline.
    await env.sleep(days(2));
    const again = [...expected].find((c) => !buyers.includes(c))!;
    await eventually(async () => {
      const list = (await h.call('GET', `/v1/customers/${again}/enrollments`)).body as { status: string }[];
      return list.every((e) => e.status !== 'active');
    });
    await h.track(again, 'hold_start');
    const control = await eventually(async () => {
      const steps = await h.db
        .collection(COLLECTIONS.steps)
        .find({ journeyId, customerId: again, nodeId: CONTROL_STEP_NODE })
        .toArray();
      return steps.length === 2 ? steps : undefined;
    });
    expect(new Set(control.map((s) => s.enrollmentId)).size).toBe(2);
  }, 240_000);

  it('keeps a global control group out of marketing sends but not transactional ones', async () => {
    expect((await h.call('PUT', '/v1/settings/global-control', { percent: 120 })).body.field).toContain(
      'percent',
    );
    expect((await h.call('PUT', '/v1/settings/global-control', { percent: 40 }, 'support')).status).toBe(403);
    expect((await h.call('PUT', '/v1/settings/global-control', { percent: 40 })).status).toBe(200);
    // Entries read the setting at most once a second: let a cached value from the test above expire.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const marketing = await create(
      'Newsletter',
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'gc_start', reentry: 'once' } },
          email('promo'),
          email('receipt', { transactional: true, topic: 'transactional' }),
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->promo', 'promo->receipt', 'receipt->end'],
      ),
      {},
    );
    const transactional = await create(
      'Password reset',
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'gc_start', reentry: 'once' } },
          email('reset'),
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->reset', 'reset->end'],
      ),
      { transactional: true },
    );
    const customers = Array.from({ length: 20 }, (_, i) => `gc-${i}`);
    const inControl = new Set(customers.filter((c) => stickyPercentile(c, 'global-control') < 40));
    expect(inControl.size).toBeGreaterThan(0);
    expect(inControl.size).toBeLessThan(customers.length);
    for (const c of customers) await h.identify(c, { email: `${c}@example.com` });
    for (const c of customers) await h.track(c, 'gc_start');

    const promo = await allPassed(marketing, 'promo', customers.length);
    const receipts = await allPassed(marketing, 'receipt', customers.length);
    const resets = await allPassed(transactional, 'reset', customers.length);
    for (const s of promo)
      expect([s.customerId, s.outcome]).toEqual([
        s.customerId,
        inControl.has(s.customerId) ? 'held_out' : 'sent',
      ]);
    expect(receipts.every((s) => s.outcome === 'sent')).toBe(true);
    expect(resets.every((s) => s.outcome === 'sent')).toBe(true);
    expect(await stepsAt(transactional, CONTROL_STEP_NODE)).toEqual([]);
    const marked = await stepsAt(marketing, CONTROL_STEP_NODE);
    expect(new Set(marked.map((s) => s.customerId))).toEqual(inControl);
    expect(marked[0].reason).toContain('global control group');

    const size = (await h.call('GET', '/v1/settings/global-control', undefined, 'support')).body;
    expect(size).toEqual({ percent: 40, heldOutEnrollments: inControl.size, customers: inControl.size });
    await foldAnalytics(h.db);
    const report = (await h.call('GET', `/v1/journeys/${marketing}/holdout`)).body;
    expect(report.globalControl).toBe(inControl.size);
    expect(report.arms.find((a: { id: string }) => a.id === 'holdout').entered).toBe(inControl.size);
  }, 240_000);
});
