import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testRunHarness, thirtyDayJourney } from '../../../test/support/test-runs.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('the test-run panel in the builder', () => {
  const s = sharedEditorSession(testRunHarness);

  it('runs a scenario, highlights the path, shows timeline and messages, and saves it as a scenario', async () => {
    await s.h.call('POST', '/v1/templates', {
      id: 'welcome',
      name: 'Welcome',
      channel: 'email',
      subject: 'Welcome, {{ profile.first_name }}',
      body: 'Hi {{ profile.first_name }}',
    });
    const id = await s.h.publish(thirtyDayJourney(), 'Onboarding under test');
    const page = await s.signedIn('marketer');
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-thanks')).waitFor();
    await page.click(T('test-run-open'));
    await page.fill(
      T('test-run-traits'),
      '{"email": "ada@example.com", "phone": "+15550100", "first_name": "Ada"}',
    );
    await page.fill(T('test-run-step-after'), '1 day');
    await page.fill(T('test-run-step-event'), 'viewed_item');
    await page.fill(T('test-run-step-properties'), '{"name": "red shoes"}');
    await page.click(T('test-run-add-step'));
    await page.locator(T('test-run-step-after')).nth(1).fill('3 days');
    await page.locator(T('test-run-step-event')).nth(1).fill('purchased');
    await page.locator(T('test-run-step-properties')).nth(1).fill('{"amount": 40}');
    await page.click(T('test-run-start'));

    await hasText(page, T('test-run-status'), 'completed', 60_000);
    await hasText(page, T('test-run-path'), 'start → welcome → browse → nudge → buy → thanks → bought');
    await hasText(page, T('test-run-clock'), '(3 d 0 h)');
    await hasText(page, T('test-run-timeline'), 'viewed_item');
    await hasText(page, T('test-run-message'), 'Still thinking about red shoes, Ada?');
    await hasText(page, T('test-run-message'), 'Welcome, Ada');
    // The path is drawn on the canvas: visited nodes are marked, the winback branch is not.
    expect(
      await page.locator(`${T('node-thanks')}.is-visited, ${T('node-thanks')} .is-visited`).count(),
    ).toBe(1);
    expect(
      await page.locator(`${T('node-winback')}.is-visited, ${T('node-winback')} .is-visited`).count(),
    ).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'test-run-panel.png') });

    await page.fill(T('test-run-scenario-name'), 'converts by SMS');
    await page.click(T('test-run-save'));
    await hasText(page, '[role="status"], .toast', 'converts by SMS');
    const saved = (await s.h.call('GET', `/v1/journeys/${id}/scenarios`)).body.scenarios;
    expect(saved).toEqual([
      {
        name: 'converts by SMS',
        profile: { traits: { email: 'ada@example.com', phone: '+15550100', first_name: 'Ada' } },
        steps: [
          { after: '1 day', event: 'viewed_item', properties: { name: 'red shoes' } },
          { after: '3 days', event: 'purchased', properties: { amount: 40 } },
        ],
        expect: { path: ['start', 'welcome', 'browse', 'nudge', 'buy', 'thanks', 'bought'] },
      },
    ]);
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  });
});
