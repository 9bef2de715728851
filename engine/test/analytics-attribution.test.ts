import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';

const HOUR = 3_600_000;
/** trigger -> one email -> wait a week. */
const mailJourney = (event: string) =>
  graph(
    [
      { id: 'start', type: 'trigger', config: { kind: 'event', event, reentry: 'once' } },
      { id: 'mail', type: 'send', config: { channel: 'email', subject: 'Hi', body: 'Hello' } },
      { id: 'wait', type: 'wait', config: { mode: 'duration', duration: { amount: 7, unit: 'days' } } },
      { id: 'end', type: 'exit', config: {} },
    ],
    ['start->mail', 'mail->wait', 'wait->end'],
  );

describe('revenue attribution', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const sentAt = (journeyId: string, customerId: string) =>
    eventually(async () => {
      const d = await h.db
        .collection(COLLECTIONS.deliveries)
        .findOne({ journeyId, customerId, status: 'sent' });
      return (d?.sentAtMs as number | undefined) ?? undefined;
    }, 60_000);
  const revenueOf = async (journeyId: string) => {
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const { status, body } = await h.call('GET', `/v1/journeys/${journeyId}/analytics?to=${to}`);
    expect(status).toBe(200);
    return body;
  };

  it('credits the last touch within the window, edges included, and nothing outside it', async () => {
    const first = await h.publish(mailJourney('hello'), 'First touch');
    const second = await h.publish(mailJourney('again'), 'Second touch');
    for (const id of [first, second]) {
      const put = await h.call('PUT', `/v1/journeys/${id}/analytics/settings`, {
        revenue: { event: 'ordered', property: 'total', windowHours: 2 },
      });
      expect(put.body).toEqual({ revenue: { event: 'ordered', property: 'total', windowHours: 2 } });
    }
    const customers = ['edge', 'late', 'early', 'bad', 'both'];
    for (const c of customers) await h.identify(c, { email: `${c}@example.com` });
    for (const c of customers) await h.track(c, 'hello');
    const at = Object.fromEntries(await Promise.all(customers.map(async (c) => [c, await sentAt(first, c)])));
    const order = (c: string, timeMs: number, total: unknown) =>
      h.call(
        'POST',
        '/v1/track',
        { userId: c, event: 'ordered', properties: { total }, timestamp: new Date(timeMs).toISOString() },
        'ingest',
      );
    await order('edge', at.edge + 2 * HOUR, 100); // exactly at the window's end: credited
    await order('late', at.late + 2 * HOUR + 1, 200); // one millisecond past it: not
    await order('early', at.early - 1, 400); // before any message: not
    await order('bad', at.bad + 1, 'lots'); // not a number: not
    await h.track('both', 'again');
    const later = await sentAt(second, 'both');
    await order('both', later + HOUR, 7); // the second journey touched last: only it is credited

    await foldAnalytics(h.db);
    const one = await revenueOf(first);
    expect(one.summary).toMatchObject({ purchases: 1, revenue: 100, recipients: 5, revenuePerRecipient: 20 });
    expect(one.revenue).toEqual([{ nodeId: 'mail', channel: 'email', purchases: 1, revenue: 100 }]);
    const two = await revenueOf(second);
    expect(two.summary).toMatchObject({ purchases: 1, revenue: 7, recipients: 1 });

    // A fold far ahead leaves nothing recent to find: only the settings change makes the next fold
    // re-attribute, and the widened window now covers the late order.
    await foldAnalytics(h.db, Date.now() + 3 * HOUR);
    await h.call('PUT', `/v1/journeys/${first}/analytics/settings`, {
      revenue: { event: 'ordered', property: 'total', windowHours: 3 },
    });
    await foldAnalytics(h.db, Date.now() + 3 * HOUR);
    expect((await revenueOf(first)).summary).toMatchObject({ purchases: 2, revenue: 300 });
  }, 180_000);

  it('refuses bad settings and ranges naming the field', async () => {
    const id = await h.publish(mailJourney('x'), 'Bad input');
    const bad = await h.call('PUT', `/v1/journeys/${id}/analytics/settings`, {
      revenue: { event: 'ordered', property: 'a.b', windowHours: 2 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toContain('property');
    const backwards = await h.call(
      'GET',
      `/v1/journeys/${id}/analytics?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(backwards).toMatchObject({ status: 400, body: { field: 'from' } });
    const unknown = await h.call('GET', `/v1/journeys/${id}/analytics?colour=red`);
    expect(unknown.status).toBe(400);
    expect((await h.call('GET', '/v1/journeys/nope/analytics')).status).toBe(404);
    expect((await h.call('GET', `/v1/journeys/${id}/analytics/bogus.csv`)).status).toBe(400);
  });
});
