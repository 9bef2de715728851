import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

/** Presses Tab until the focused element matches the selector: how a keyboard user gets somewhere. */
async function tabTo(page: Page, selector: string, limit = 80) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe.skipIf(skipWithoutChromium)('keyboard only', () => {
  const s = sharedEditorSession();

  it('builds and publishes a journey without touching the mouse', async () => {
    const page = await s.signedIn();
    await tabTo(page, T('new-journey-name'));
    await page.keyboard.type('Keyboard journey');
    await page.keyboard.press('Enter');
    await page.locator(T('node-trigger_1')).waitFor();

    // Select the trigger: focus its node on the canvas and press Enter.
    await tabTo(page, '.react-flow__node[data-id="trigger_1"]');
    await page.keyboard.press('Enter');
    await tabTo(page, T('field-event'));
    await page.keyboard.type('kb_signup');
    // "Then go to" → "+ Wait": adds a wait below the trigger, connected, and selects it.
    await tabTo(page, T('next-next'));
    await page.keyboard.press('ArrowDown');
    await page.locator(T('node-wait_1')).waitFor();
    await hasText(page, T('config-panel'), 'Wait');
    await tabTo(page, T('field-duration.amount'));
    await page.keyboard.press('Control+a');
    await page.keyboard.type('2');
    await hasText(page, T('node-wait_1'), '2 days');
    // The last choice adds an exit.
    await tabTo(page, T('next-next'));
    await page.keyboard.press('End');
    await page.locator(T('node-exit_1')).waitFor();
    await page.locator(T('problems-ok')).waitFor();
    await hasText(page, T('save-state'), 'All changes saved');

    await tabTo(page, T('publish-button'));
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Publish' }).waitFor();
    await page.keyboard.type('Built with the keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await hasText(page, T('journey-status'), 'live');

    const list = await s.h.call('GET', '/v1/journeys');
    const id = list.body.find((j: { name: string }) => j.name === 'Keyboard journey').id;
    const version = await s.h.call('GET', `/v1/journeys/${id}/versions/1`);
    expect(version.body.note).toBe('Built with the keyboard');
    expect(
      version.body.graph.edges.map((e: { source: string; target: string }) => `${e.source}>${e.target}`),
    ).toEqual(expect.arrayContaining(['trigger_1>wait_1', 'wait_1>exit_1']));
    const wait = version.body.graph.nodes.find((n: { id: string }) => n.id === 'wait_1');
    const trigger = version.body.graph.nodes.find((n: { id: string }) => n.id === 'trigger_1');
    // Added below the trigger, in free space.
    expect(wait.position.y).toBeGreaterThan(trigger.position.y);
    expect(wait.config.duration).toEqual({ amount: 2, unit: 'days' });
    expect(s.consoleErrors).toEqual([]);
  });
});
