import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';
import { journeyStats } from '../src/services/stats.ts';

const BODY = '<html><body><a href="https://shop.example/sale">Sale</a></body></html>';
const mail = (id: string) => ({ id, type: 'send', config: { channel: 'email', subject: 'Hi', body: BODY } });

/** trigger -> 50/50 split -> one email per branch -> wait for "ping" (7 days) -> exit; goal "purchased". */
const abJourney = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'joined', reentry: 'once' } },
    {
      id: 'ab',
      type: 'split',
      config: {
        branches: [
          { id: 'a', label: 'A', percent: 50 },
          { id: 'b', label: 'B', percent: 50 },
        ],
      },
    },
    mail('mailA'),
    mail('mailB'),
    { id: 'hold', type: 'wait_for_event', config: { event: 'ping', timeout: { amount: 7, unit: 'days' } } },
    { id: 'end', type: 'exit', config: {} },
    { id: 'bought', type: 'goal', config: { event: 'purchased' } },
  ],
  [
    'start->ab',
    'ab:a->mailA',
    'ab:b->mailB',
    'mailA->hold',
    'mailB->hold',
    'hold:happened->end',
    'hold:timed_out->end',
  ],
);

interface Message {
  _id: string;
  customerId?: string;
  to: string;
  body: string;
  unsubscribeUrl?: string;
}

describe('journey analytics from hourly rollups', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const report = async (journeyId: string, query = '') => {
    const { status, body } = await h.call('GET', `/v1/journeys/${journeyId}/analytics${query}`);
    expect(status).toBe(200);
    return body;
  };
  const waitFor = (journeyId: string, nodeIds: string[], count: number) =>
    eventually(async () => {
      const steps = await h.db
        .collection(COLLECTIONS.steps)
        .countDocuments({ journeyId, nodeId: { $in: nodeIds } });
      return steps >= count || undefined;
    }, 60_000);
  const messageOf = async (customerId: string) =>
    (await h.db.collection<Message>(COLLECTIONS.messages).findOne({ to: `${customerId}@example.com` }))!;
  const path = (url: string, kind: string) => url.match(new RegExp(`https?://[^/"]+(/${kind}/[^"]+)`))![1];

  it('counts a split journey run with known outcomes exactly as a hand count does', async () => {
    const journeyId = await h.publish(abJourney, 'Analytics A/B');
    const put = await h.call('PUT', `/v1/journeys/${journeyId}/analytics/settings`, {
      revenue: { event: 'purchased', property: 'amount', windowHours: 1 },
    });
    expect(put.status).toBe(200);
    const customers = Array.from({ length: 9 }, (_, i) => `an-${i}`);
    // an-8 has no email address: its send is skipped as unreachable.
    for (const c of customers.slice(0, 8)) await h.identify(c, { email: `${c}@example.com` });
    for (const c of customers) await h.track(c, 'joined');
    await waitFor(journeyId, ['mailA', 'mailB'], 9);
    // A first fold with half the story: the second must fold the rest on top of the checkpoint.
    expect(await foldAnalytics(h.db)).toBeGreaterThan(0);

    const [m0, m1, m2] = await Promise.all(['an-0', 'an-1', 'an-2'].map(messageOf));
    const open = (m: Message) => h.app.inject({ method: 'GET', url: path(m.body, 't/o') });
    await open(m0);
    await open(m0);
    await open(m1);
    await h.app.inject({ method: 'GET', url: path(m0.body, 't/c') });
    await h.app.inject({
      method: 'POST',
      url: new URL(m2.unsubscribeUrl!).pathname,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await h.track('an-3', 'purchased', { amount: 30 });
    await h.track('an-4', 'purchased', { amount: '12.5' });
    await h.track('an-5', 'ping');
    const [e6] = (await h.call('GET', '/v1/customers/an-6/enrollments')).body;
    expect((await h.call('POST', `/v1/enrollments/${e6.id}/exit`, { reason: 'asked' })).status).toBeLessThan(
      300,
    );
    await eventually(async () => {
      const ended = await h.db
        .collection(COLLECTIONS.enrollments)
        .countDocuments({ journeyId, status: { $ne: 'active' } });
      return ended === 4 || undefined;
    }, 60_000);
    await foldAnalytics(h.db);
    // A journey past the live-count threshold reads the fold's totals: the same figures, one read.
    const live = await journeyStats(h.db, journeyId, Number.POSITIVE_INFINITY);
    expect(live).toMatchObject({ entered: 9, active: 5 });
    expect(live.asOf).toBeUndefined();
    expect(await journeyStats(h.db, journeyId, 0)).toEqual({ ...live, asOf: expect.any(String) });

    // The hand count: who took which branch is the split's to decide, so it is read back per customer.
    const branchOf = new Map<string, string>();
    for (const s of await h.db.collection(COLLECTIONS.steps).find({ journeyId, nodeId: 'ab' }).toArray())
      branchOf.set(s.customerId, s.port);
    const inBranch = (port: string, among = customers) =>
      among.filter((c) => branchOf.get(c) === port).length;
    const r = await report(journeyId);
    expect(r.summary).toMatchObject({
      entered: 9,
      waiting: 5,
      converted: 2,
      completed: 1,
      exited: 1,
      failed: 0,
      conversionRate: 2 / 9,
      recipients: 8,
      purchases: 2,
      revenue: 42.5,
      revenuePerRecipient: 42.5 / 8,
    });
    expect(r.summary.medianTimeToConvertMs).toBeGreaterThan(0);
    expect(r.exits).toEqual(
      expect.arrayContaining([
        { status: 'converted', nodeId: 'bought', reason: 'goal reached', count: 2 },
        expect.objectContaining({ status: 'completed', nodeId: 'end', count: 1 }),
        expect.objectContaining({ status: 'exited', nodeId: 'hold', count: 1 }),
      ]),
    );
    const node = (id: string) => r.nodes.find((n: { nodeId: string }) => n.nodeId === id);
    expect(node('start').passed).toBe(9);
    expect(node('ab').passed).toBe(9);
    expect(node('mailA').passed + node('mailB').passed).toBe(9);
    expect(node('hold')).toMatchObject({ waiting: 5 });
    // Who waits where comes from the fold's counters, and matches the enrollments' own current node.
    const waitingNodes = r.nodes.filter((n: { waiting: number }) => n.waiting > 0);
    expect(waitingNodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(['hold']);
    expect(
      await h.db.collection(COLLECTIONS.enrollments).countDocuments({ journeyId, currentNodeId: 'hold' }),
    ).toBe(5);
    expect(node('hold').medianTimeMs).not.toBeNull();
    const edge = (port: string) =>
      r.edges.find((e: { source: string; port: string }) => e.source === 'ab' && e.port === port);
    expect(edge('a').count).toBe(inBranch('a'));
    expect(edge('a').share + edge('b').share).toBeCloseTo(1);

    const sends = r.sends.reduce((all: Record<string, number>, s: Record<string, number>) => {
      for (const k of ['sent', 'skipped', 'uniqueOpens', 'opens', 'uniqueClicks', 'clicks', 'unsubscribed'])
        all[k] = (all[k] ?? 0) + s[k];
      return all;
    }, {});
    expect(sends).toEqual({
      sent: 8,
      skipped: 1,
      uniqueOpens: 2,
      opens: 3,
      uniqueClicks: 1,
      clicks: 1,
      unsubscribed: 1,
    });
    const skippedAt = r.sends.find((s: { skipped: number }) => s.skipped === 1);
    expect(skippedAt.skippedReasons).toEqual({ 'skipped: unreachable': 1 });
    expect(skippedAt.nodeId).toBe(branchOf.get('an-8') === 'a' ? 'mailA' : 'mailB');

    for (const port of ['a', 'b']) {
      const branch = r.branches.find((b: { port: string }) => b.port === port);
      const amounts = { 'an-3': 30, 'an-4': 12.5 } as Record<string, number>;
      const revenue = Object.keys(amounts)
        .filter((c) => branchOf.get(c) === port)
        .reduce((sum, c) => sum + amounts[c], 0);
      expect(branch).toMatchObject({
        splitNodeId: 'ab',
        entered: inBranch(port),
        converted: inBranch(port, ['an-3', 'an-4']),
        sent: inBranch(port, customers.slice(0, 8)),
        uniqueOpens: inBranch(port, ['an-0', 'an-1']),
        uniqueClicks: inBranch(port, ['an-0']),
        unsubscribed: inBranch(port, ['an-2']),
        revenue,
      });
    }
    expect(r.series.reduce((sum: number, d: { entered: number }) => sum + d.entered, 0)).toBe(9);

    // Folding again changes nothing; another version has no figures; the CSV has one line per node.
    await foldAnalytics(h.db);
    expect((await report(journeyId)).summary).toEqual(r.summary);
    expect((await report(journeyId, '?version=2')).summary).toMatchObject({
      entered: 0,
      converted: 0,
      revenue: 0,
    });
    const csv = await h.app.inject({
      method: 'GET',
      url: `/v1/journeys/${journeyId}/analytics/nodes.csv`,
      headers: { authorization: `Bearer ${h.keys.support}` },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('nodeId,passed,waiting,converted,medianTimeMs,meanTimeMs');
    expect(lines).toHaveLength(1 + r.nodes.length);
  }, 180_000);
});
