import { type BroadcastView, COLLECTIONS } from '@itinera/schemas';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, timeSkippingHarness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { holdoutDraw, SEGMENT_MEMBERS } from '../src/services/broadcast-activities.ts';
import { startBroadcastActivityWorker } from '../src/services/broadcast-worker.ts';

const MINUTE = 60_000;

describe('broadcasts on the time-skipping server', () => {
  let h: Awaited<ReturnType<typeof timeSkippingHarness>>;
  let activityWorker: { stop(): Promise<void> };
  let journeyId: string;
  beforeAll(async () => {
    h = await timeSkippingHarness({});
    activityWorker = await startBroadcastActivityWorker(h.app.services, h.env.nativeConnection, h.taskQueue);
    journeyId = await h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'api', reentry: 'once' } },
          { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 30, unit: 'days' } } },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->wait', 'wait->end'],
      ),
    );
  });
  afterAll(async () => {
    await activityWorker?.stop();
    await h?.close();
  });

  /** Segment membership as the segments feature records it: one doc per member. */
  const segment = async (segmentId: string, customers: string[]) => {
    await h.db.collection(SEGMENT_MEMBERS).insertMany(
      customers.map((customerId) => ({
        _id: `${segmentId}:${customerId}` as never,
        segmentId,
        customerId,
        enteredAt: new Date().toISOString(),
      })),
    );
  };
  const progressOf = async (id: string) => (await h.call<BroadcastView>('GET', `/v1/broadcasts/${id}`)).body;
  const until = (id: string, done: (view: BroadcastView) => boolean) =>
    eventually(async () => {
      const view = await progressOf(id);
      return done(view) && view;
    }, 60_000);
  const entered = async (customerId: string) =>
    h.db.collection(COLLECTIONS.enrollments).countDocuments({ customerId, journeyId });

  it('refuses a bad broadcast, naming the field', async () => {
    const base = { segmentId: 's', journeyId, schedule: { kind: 'now' } };
    expect(
      await h.call('POST', '/v1/broadcasts', { ...base, schedule: { kind: 'local', time: '25:00' } }),
    ).toMatchObject({ status: 400 });
    expect(await h.call('POST', '/v1/broadcasts', { ...base, holdoutPercent: 120 })).toMatchObject({
      status: 400,
      body: { field: 'holdoutPercent' },
    });
    expect(await h.call('POST', '/v1/broadcasts', { ...base, journeyId: 'nope' })).toMatchObject({
      status: 404,
      body: { field: 'id' },
    });
    expect((await h.call('POST', '/v1/broadcasts', base, 'support')).status).toBe(403);
  });

  it('enters each customer at 10:00 in their own timezone, with a fallback zone', async () => {
    const zones: Record<string, string | undefined> = {
      tokyo: 'Asia/Tokyo',
      paris: 'Europe/Paris',
      newyork: 'America/New_York',
      nozone: undefined,
    };
    for (const [id, timezone] of Object.entries(zones)) await h.identify(id, timezone ? { timezone } : {});
    await segment('local', Object.keys(zones));
    const from = new Date(await h.env.currentTimeMs()).toISOString();
    const schedule = { kind: 'local', time: '10:00', from, fallbackTimezone: 'Pacific/Auckland' };
    const created = await h.call('POST', '/v1/broadcasts', { segmentId: 'local', journeyId, schedule });
    expect(created.status).toBe(201);
    const id = created.body.id;

    // The start is now: the snapshot runs once the clock moves at all.
    await h.env.sleep(1_000);
    await until(id, (view) => view.progress.total === 4);
    const recipients = await h.db
      .collection(COLLECTIONS.broadcastRecipients)
      .find({ broadcastId: id })
      .toArray();
    const sendAt = new Map(recipients.map((r) => [r.customerId as string, Date.parse(r.sendAt)]));
    for (const [customer, zone] of Object.entries(zones)) {
      const local = DateTime.fromMillis(sendAt.get(customer)!, { zone: zone ?? 'Pacific/Auckland' });
      expect([customer, local.toFormat('HH:mm')]).toEqual([customer, '10:00']);
      expect(sendAt.get(customer)! - Date.parse(from)).toBeGreaterThanOrEqual(0);
      expect(sendAt.get(customer)! - Date.parse(from)).toBeLessThan(24 * 60 * MINUTE);
    }

    // Walk the clock to each customer's moment: exactly those due so far have entered.
    const order = [...sendAt.entries()].sort((a, b) => a[1] - b[1]);
    for (const [i, [customer, at]] of order.entries()) {
      const now = await h.env.currentTimeMs();
      await h.env.sleep(Math.max(0, at - now) + MINUTE);
      await until(id, (view) => view.progress.entered === i + 1);
      expect(await entered(customer)).toBe(1);
      for (const [later] of order.slice(i + 1)) expect(await entered(later)).toBe(0);
    }
    await until(id, (view) => view.state === 'completed');
  });

  it('throttles to the rate per minute and holds out a stable share, sending them nothing', async () => {
    const customers = Array.from({ length: 12 }, (_, i) => `t${i}`);
    await segment('throttled', customers);
    const created = await h.call('POST', '/v1/broadcasts', {
      segmentId: 'throttled',
      journeyId,
      schedule: { kind: 'now' },
      ratePerMinute: 3,
      holdoutPercent: 25,
    });
    const id = created.body.id;
    const heldOut = customers.filter((c) => holdoutDraw(id, c) < 25);
    const sent = customers.length - heldOut.length;

    let view = await until(id, (v) => v.progress.entered === Math.min(3, sent));
    expect(view.progress).toMatchObject({ total: 12, heldOut: heldOut.length, entered: Math.min(3, sent) });
    // No timer fires until the clock moves: the next three wait for the next minute.
    for (let minute = 1; minute * 3 < sent; minute++) {
      expect((await progressOf(id)).progress.entered).toBe(minute * 3);
      await h.env.sleep(MINUTE);
      view = await until(id, (v) => v.progress.entered === Math.min((minute + 1) * 3, sent));
    }
    view = await until(id, (v) => v.state === 'completed');
    expect(view.progress).toMatchObject({ entered: sent, heldOut: heldOut.length, remaining: 0 });
    for (const c of heldOut) expect(await entered(c)).toBe(0);
    for (const c of customers.filter((c) => !heldOut.includes(c))) expect(await entered(c)).toBe(1);
  });

  it('pauses, resumes and cancels while running', async () => {
    const customers = ['p1', 'p2', 'p3', 'p4'];
    await segment('paused', customers);
    const created = await h.call('POST', '/v1/broadcasts', {
      segmentId: 'paused',
      journeyId,
      schedule: { kind: 'now' },
      ratePerMinute: 1,
    });
    const id = created.body.id;
    await until(id, (v) => v.progress.entered === 1);
    expect((await h.call('POST', `/v1/broadcasts/${id}/pause`)).status).toBe(200);
    await h.env.sleep(MINUTE);
    await until(id, (v) => v.state === 'paused');
    await h.env.sleep(10 * MINUTE);
    expect((await progressOf(id)).progress).toMatchObject({ entered: 1, remaining: 3 });

    expect((await h.call('POST', `/v1/broadcasts/${id}/resume`)).status).toBe(200);
    await until(id, (v) => v.progress.entered === 2);
    expect((await h.call('POST', `/v1/broadcasts/${id}/cancel`)).status).toBe(200);
    const view = await until(id, (v) => v.state === 'cancelled');
    expect(view.progress).toMatchObject({ entered: 2, remaining: 2 });
    expect((await h.call('POST', `/v1/broadcasts/${id}/resume`)).status).toBe(409);
    for (const c of customers) expect(await entered(c)).toBeLessThanOrEqual(1);
  });
});
