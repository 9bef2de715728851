import path from 'node:path';
import { COLLECTIONS } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { foldAnalytics } from '../../../engine/src/services/analytics/fold.ts';
import { experimentJourney } from '../../../test/support/experiments.ts';
import { eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('experiments page: two variants and a holdout', () => {
  const s = sharedEditorSession();

  it('shows each variant with its interval, the holdout, and promotes the winner', async () => {
    const created = await s.h.call('POST', '/v1/journeys', {
      name: 'Discount test',
      settings: { holdoutPercent: 20 },
      graph: experimentJourney('ui_exp', 'ui_buy', ['No discount', '10% off'], 10, 7),
    });
    const journeyId = created.body.id as string;
    expect((await s.h.call('POST', `/v1/journeys/${journeyId}/publish`, {})).status).toBe(201);
    // About 24 per arm after the holdout, so both reach the minimum sample of 10 (40 missed it about 1 run in 50).
    const customers = Array.from({ length: 60 }, (_, i) => `ui-exp-${i}`);
    for (const c of customers) await s.h.track(c, 'ui_exp');
    const steps = await eventually(async () => {
      const found = await s.h.db.collection(COLLECTIONS.steps).find({ journeyId, nodeId: 'ab' }).toArray();
      return found.length === customers.length ? found : undefined;
    }, 60_000);
    const held = new Set(
      (await s.h.db.collection(COLLECTIONS.steps).find({ journeyId, nodeId: '~control' }).toArray()).map(
        (x) => x.customerId,
      ),
    );
    const buyersArm = steps.filter((x) => x.port === 'b' && !held.has(x.customerId));
    const buyers = buyersArm.map((x) => x.customerId);
    for (const c of buyers) await s.h.track(c, 'ui_buy', { amount: 25 });
    await eventually(async () => {
      const converted = await s.h.db
        .collection(COLLECTIONS.enrollments)
        .countDocuments({ journeyId, status: 'converted' });
      return converted === buyers.length;
    }, 60_000);
    // Results are read from the rollups, which the API's folder updates every 30 s.
    await foldAnalytics(s.h.db);

    const page = await s.signedIn('marketer');
    await page.click(T('nav-experiments'));
    await page.click(`a:has-text("Discount test")`);
    await hasText(page, T('arms-ab-decision'), '"10% off" beats "No discount"');
    await hasText(page, T('arms-ab-arm-b'), `${buyers.length}`);
    await hasText(page, T('holdout-arms-arm-holdout'), 'Held out');
    expect(await page.locator(`${T('arms-ab')} svg`).count()).toBe(2);
    // Each arm's rate and 95% interval as the API computed them from the rollups.
    const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
    const shown = (arm: { value: number; interval: { low: number; high: number } }) =>
      `${percent(arm.value)} (${percent(arm.interval.low)} to ${percent(arm.interval.high)})`;
    const results = (await s.h.call('GET', `/v1/journeys/${journeyId}/experiments/ab`)).body;
    const holdout = (await s.h.call('GET', `/v1/journeys/${journeyId}/holdout`)).body;
    const arm = (body: typeof results, id: string) => body.arms.find((a: { id: string }) => a.id === id);
    expect(arm(results, 'b')).toMatchObject({ entered: buyersArm.length, converted: buyers.length });
    expect(arm(holdout, 'holdout')).toMatchObject({ entered: held.size, converted: 0 });
    for (const id of ['a', 'b']) await hasText(page, T(`arms-ab-arm-${id}`), shown(arm(results, id)));
    for (const id of ['treated', 'holdout'])
      await hasText(page, T(`holdout-arms-arm-${id}`), shown(arm(holdout, id)));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'experiments-report.png'), fullPage: true });

    // The same journey's report and canvas overlay: every entrant, held out or not, and each branch.
    await page.goto(`${s.url}/#/journeys`);
    await page.click(T(`report-${journeyId}`));
    await page.locator(T('journey-report')).waitFor();
    await hasText(page, T('report-summary'), `Entered${customers.length}`);
    await hasText(page, T('node-figure-start'), `${customers.length} passed`);
    await hasText(page, T('node-figure-goal'), `${buyers.length} converted`);
    expect(await page.locator('.react-flow__edge-text', { hasText: /10% off.*%/ }).count()).toBe(1);
    expect(await page.locator(`${T('table-branches')} tbody tr`).count()).toBe(2);

    await page.click(T('nav-experiments'));
    await page.click(`a:has-text("Discount test")`);

    page.on('dialog', (dialog) => void dialog.accept());
    await page.click(T('promote-b'));
    await hasText(page, '.toast', 'Published version 2');
    const journey = (await s.h.call('GET', `/v1/journeys/${journeyId}`)).body;
    expect(journey.liveVersion).toBe(2);

    await page.click(T('nav-experiments'));
    // The form shows the saved value once loaded; typing before that would be overwritten.
    await hasText(page, T('global-control-size'), 'customers held out so far');
    await page.fill(T('global-control-percent'), '5');
    await page.click(T('global-control-save'));
    await hasText(page, '.toast', 'Global control group saved');
    expect((await s.h.call('GET', '/v1/settings/global-control')).body.percent).toBe(5);
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('sets a holdout and marks a journey transactional in the journey settings', async () => {
    const simple = graph(
      [
        { id: 'trigger_1', type: 'trigger', config: { kind: 'event', event: 'ui_hold', reentry: 'once' } },
        { id: 'exit_1', type: 'exit', config: {} },
      ],
      ['trigger_1->exit_1'],
    );
    const id = (await s.h.call('POST', '/v1/journeys', { name: 'Holdout settings', graph: simple })).body.id;
    const page = await s.signedIn('marketer');
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-exit_1')).waitFor();
    await page.click(T('journey-settings-open'));
    await page.fill(T('journey-holdout'), '15');
    await page.check(T('journey-transactional'));
    await page.keyboard.press('Escape');
    await hasText(page, T('save-state'), 'All changes saved');
    const saved = (await s.h.call('GET', `/v1/journeys/${id}`)).body;
    expect(saved.settings).toMatchObject({ holdoutPercent: 15, transactional: true });
    await page.context().close();
  }, 120_000);
});
