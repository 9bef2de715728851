import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentJourney } from '../../test/support/experiments.ts';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';

interface Arm {
  id: string;
  entered: number;
  converted: number;
  revenue: number;
  isControl: boolean;
  interval: { low: number; high: number };
  versusControl: { probabilityToBeat: number; pValue: number } | null;
}

describe('experiment splits: results per variant and promoting the winner', () => {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  beforeAll(async () => {
    h = await timeSkippingHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  const splitSteps = (journeyId: string, count: number) =>
    eventually(async () => {
      const steps = await h.db.collection(COLLECTIONS.steps).find({ journeyId, nodeId: 'ab' }).toArray();
      return steps.length === count ? steps : undefined;
    }, 90_000);

  it('counts each variant by hand, names a winner only past the minimum sample, and promotes it', async () => {
    const journeyId = await h.publish(
      experimentJourney('exp_start', 'exp_buy', ['Control', 'Discount'], 10),
      'Experiment journey',
    );
    const customers = Array.from({ length: 40 }, (_, i) => `exp-${i}`);
    for (const c of customers) await h.track(c, 'exp_start');
    const steps = await splitSteps(journeyId, customers.length);
    const inArm = (arm: string) => steps.filter((s) => s.port === arm).map((s) => s.customerId as string);
    const [a, b] = [inArm('a'), inArm('b')];
    expect(a.length).toBeGreaterThanOrEqual(10);
    expect(b.length).toBeGreaterThanOrEqual(10);

    // Results come from the rollups: each read below follows a fold, as the API's folder does every 30 s.
    await foldAnalytics(h.db);
    // Before anyone buys the variants do not differ, so no winner is named.
    const early = (await h.call('GET', `/v1/journeys/${journeyId}/experiments/ab`)).body;
    expect(early.winner).toBeNull();

    // Every "Discount" customer buys for 30, one "Control" customer for 10, a minute after the split on the
    // workflow clock (the shared time-skipping server's clock may run ahead of this process's).
    const splitAt = new Map(steps.map((step) => [step.customerId as string, Date.parse(step.at as string)]));
    const buy = async (customer: string, amount: number) => {
      const timestamp = new Date(splitAt.get(customer)! + 60_000).toISOString();
      const body = { userId: customer, event: 'exp_buy', properties: { amount }, timestamp };
      expect((await h.call('POST', '/v1/track', body, 'ingest')).status).toBe(200);
    };
    for (const c of b) await buy(c, 30);
    await buy(a[0], 10);
    await eventually(async () => {
      const converted = await h.db
        .collection(COLLECTIONS.enrollments)
        .countDocuments({ journeyId, status: 'converted' });
      return converted === b.length + 1;
    }, 60_000);

    await foldAnalytics(h.db);
    const { body, status } = await h.call(
      'GET',
      `/v1/journeys/${journeyId}/experiments/ab`,
      undefined,
      'support',
    );
    expect(status).toBe(200);
    const arm = (id: string) => (body.arms as Arm[]).find((x) => x.id === id)!;
    expect(arm('a')).toMatchObject({
      entered: a.length,
      converted: 1,
      revenue: 10,
      isControl: true,
      versusControl: null,
    });
    expect(arm('b')).toMatchObject({ entered: b.length, converted: b.length, revenue: 30 * b.length });
    expect(arm('b').interval.low).toBeGreaterThan(arm('a').interval.high);
    expect(arm('b').versusControl!.probabilityToBeat).toBeGreaterThan(0.99);
    expect(arm('b').versusControl!.pValue).toBeLessThan(0.05);
    expect(body).toMatchObject({ metric: 'conversion', minSample: 10, winner: 'b' });

    expect((await h.call('GET', `/v1/journeys/${journeyId}/experiments/nope`)).body).toMatchObject({
      field: 'nodeId',
    });
    const wrong = await h.call('POST', `/v1/journeys/${journeyId}/experiments/ab/promote`, {
      branchId: 'zz',
    });
    expect([wrong.status, wrong.body.field]).toEqual([422, 'branchId']);
    const denied = await h.call(
      'POST',
      `/v1/journeys/${journeyId}/experiments/ab/promote`,
      { branchId: 'b' },
      'support',
    );
    expect(denied.status).toBe(403);

    const promoted = await h.call('POST', `/v1/journeys/${journeyId}/experiments/ab/promote`, {
      branchId: 'b',
    });
    expect(promoted.status).toBe(201);
    expect(promoted.body.version).toBe(2);
    expect(promoted.body.note).toContain('Promoted "Discount"');
    const split = promoted.body.graph.nodes.find((n: { id: string }) => n.id === 'ab');
    expect(split.config.branches.map((x: { id: string; percent: number }) => [x.id, x.percent])).toEqual([
      ['a', 0],
      ['b', 100],
    ]);
    const journey = (await h.call('GET', `/v1/journeys/${journeyId}`)).body;
    expect(journey.liveVersion).toBe(2);
    // The draft was changed the same way, so publishing it again keeps the winner.
    expect(journey.graph.nodes.find((n: { id: string }) => n.id === 'ab').config.branches[1].percent).toBe(
      100,
    );
    // Version 1 is untouched: running enrollments keep their pinned graph.
    const v1 = (await h.call('GET', `/v1/journeys/${journeyId}/versions/1`)).body;
    expect(v1.graph.nodes.find((n: { id: string }) => n.id === 'ab').config.branches[0].percent).toBe(50);

    // Everyone entering now, including customers who would have landed in "Control", goes to the winner.
    const later = Array.from({ length: 12 }, (_, i) => `exp-late-${i}`);
    for (const c of later) await h.track(c, 'exp_start');
    const all = await splitSteps(journeyId, customers.length + later.length);
    const late = all.filter((s) => later.includes(s.customerId));
    expect(late.map((s) => s.port)).toEqual(later.map(() => 'b'));
  }, 240_000);

  it('counts clicks on the messages each variant sent, for the click metric', async () => {
    const mail = (id: string, link: string) => ({
      id,
      type: 'send',
      config: {
        channel: 'email',
        subject: 'Hi',
        body: `<html><body><a href="${link}">Shop</a></body></html>`,
      },
    });
    const journeyId = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'click_start', reentry: 'once' } },
          mail('intro', 'https://shop.example/intro'),
          {
            id: 'ab',
            type: 'split',
            config: {
              branches: [
                { id: 'a', label: 'Plain', percent: 50 },
                { id: 'b', label: 'Bold', percent: 50 },
              ],
              experiment: { primaryMetric: 'click', minSample: 10 },
            },
          },
          mail('plain', 'https://shop.example/a'),
          mail('bold', 'https://shop.example/b'),
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->intro', 'intro->ab', 'ab:a->plain', 'ab:b->bold', 'plain->end', 'bold->end'],
      ),
    );
    const customers = Array.from({ length: 30 }, (_, i) => `clk-${i}`);
    for (const c of customers) await h.identify(c, { email: `${c}@example.com` });
    for (const c of customers) await h.track(c, 'click_start');
    const steps = await splitSteps(journeyId, customers.length);
    await eventually(async () => {
      const sent = await h.db
        .collection(COLLECTIONS.deliveries)
        .countDocuments({ journeyId, status: 'sent' });
      return sent === 2 * customers.length;
    }, 90_000);
    /** Follows the tracked link of the message that node `nodeId` sent (message ids end in node:visit). */
    const clickLink = async (customerId: string, nodeId: string) => {
      const messages = await h.messages<{ id: string; body: string }>(customerId);
      const { body } = messages.find((m) => m.id.endsWith(`:${nodeId}:1`))!;
      const path = body.match(/href="http:\/\/localhost:\d+(\/t\/c\/[^"]+)"/)![1];
      expect((await h.app.inject({ method: 'GET', url: path })).statusCode).toBe(302);
    };
    const a = steps.filter((x) => x.port === 'a').map((x) => x.customerId as string);
    const b = steps.filter((x) => x.port === 'b').map((x) => x.customerId as string);
    // Clicks on the message before the split do not count for either variant.
    for (const c of a) await clickLink(c, 'intro');
    for (const c of b) await clickLink(c, 'bold');
    await clickLink(a[0], 'plain');
    await foldAnalytics(h.db);

    const { body } = await h.call('GET', `/v1/journeys/${journeyId}/experiments/ab`);
    const arm = (id: string) =>
      (body.arms as (Arm & { clicked: number; value: number })[]).find((x) => x.id === id)!;
    expect(body.metric).toBe('click');
    expect(arm('a')).toMatchObject({ entered: a.length, clicked: 1 });
    expect(arm('b')).toMatchObject({ entered: b.length, clicked: b.length, value: 1 });
    expect(arm('a').value).toBeCloseTo(1 / a.length, 10);
  }, 240_000);
});
