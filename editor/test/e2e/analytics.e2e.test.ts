import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { foldAnalytics } from '../../../engine/src/services/analytics/fold.ts';
import { eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const mail = (id: string, subject: string) => ({
  id,
  type: 'send',
  config: { channel: 'email', subject, body: '<p><a href="https://shop.example/">Shop</a></p>' },
});
const abJourney = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'browsed', reentry: 'once' } },
    {
      id: 'ab',
      type: 'split',
      config: {
        branches: [
          { id: 'a', label: 'Discount', percent: 50 },
          { id: 'b', label: 'Story', percent: 50 },
        ],
      },
    },
    mail('mailA', '10% off'),
    mail('mailB', 'Our story'),
    { id: 'hold', type: 'wait', config: { mode: 'duration', duration: { amount: 3, unit: 'days' } } },
    { id: 'end', type: 'exit', config: {} },
    { id: 'bought', type: 'goal', config: { event: 'purchased' } },
  ],
  ['start->ab', 'ab:a->mailA', 'ab:b->mailB', 'mailA->hold', 'mailB->hold', 'hold->end'],
);

// Laid out top to bottom so the screenshot in the README reads like the builder.
const place: Record<string, [number, number]> = {
  start: [220, 0],
  ab: [220, 150],
  mailA: [0, 320],
  mailB: [440, 320],
  hold: [220, 490],
  end: [220, 640],
  bought: [640, 0],
};
for (const node of abJourney.nodes) node.position = { x: place[node.id][0], y: place[node.id][1] };

describe.skipIf(skipWithoutChromium)('journey report and canvas overlay', () => {
  const s = sharedEditorSession();

  it('shows figures, the overlay, charts and CSV downloads for a journey with a split', async () => {
    const { h } = s;
    const id = await h.publish(abJourney, 'Browse abandonment');
    await h.call('PUT', `/v1/journeys/${id}/analytics/settings`, {
      revenue: { event: 'purchased', property: 'amount', windowHours: 24 },
    });
    const customers = Array.from({ length: 6 }, (_, i) => `rep-${i}`);
    for (const c of customers) await h.identify(c, { email: `${c}@example.com` });
    for (const c of customers) await h.track(c, 'browsed');
    await eventually(async () => {
      const sent = await h.db
        .collection(COLLECTIONS.deliveries)
        .countDocuments({ journeyId: id, status: 'sent' });
      return sent === 6 || undefined;
    }, 60_000);
    await h.track('rep-0', 'purchased', { amount: 80 });
    await h.track('rep-1', 'purchased', { amount: 20 });
    await eventually(async () => {
      const converted = await h.db
        .collection(COLLECTIONS.enrollments)
        .countDocuments({ journeyId: id, status: 'converted' });
      return converted === 2 || undefined;
    }, 60_000);
    await foldAnalytics(h.db);

    const page = await s.signedIn('support');
    await page.goto(`${s.url}/#/journeys`);
    await page.click(T(`report-${id}`));
    await page.locator(T('journey-report')).waitFor();
    await hasText(page, T('report-summary'), 'Entered6');
    await hasText(page, T('report-summary'), '2 (33.3%)');
    await hasText(page, T('report-summary'), '100');
    // Overlay: each node its key figure, each edge leaving the split its share.
    await hasText(page, T('node-figure-start'), '6 passed');
    await hasText(page, T('node-figure-bought'), '2 converted');
    const sentA = await page.locator(T('node-figure-mailA')).textContent();
    const sentB = await page.locator(T('node-figure-mailB')).textContent();
    expect(Number.parseInt(sentA!, 10) + Number.parseInt(sentB!, 10)).toBe(6);
    expect(await page.locator('.react-flow__edge-text', { hasText: /Discount.*%/ }).count()).toBe(1);
    for (const chart of ['chart-funnel', 'chart-over-time', 'chart-variants'])
      await page.locator(`${T(chart)} canvas`).waitFor();
    expect(await page.locator(`${T('table-branches')} tbody tr`).count()).toBe(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'journey-report.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click(T('csv-nodes'))]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('nodeId,passed,waiting,converted,medianTimeMs,meanTimeMs');
    expect(csv).toContain('start,6,');

    // The pickers: a later range has nothing yet; version 1 is the whole story again.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await page.fill(T('report-to'), tomorrow);
    await page.fill(T('report-from'), tomorrow);
    await hasText(page, T('report-summary'), 'Entered0');
    await page.fill(T('report-from'), new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    await page.selectOption(T('report-version'), '1');
    await hasText(page, T('report-summary'), 'Entered6');
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  }, 240_000);
});
