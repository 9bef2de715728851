import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const simple = () =>
  graph(
    [
      { id: 'trigger_1', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
      { id: 'exit_1', type: 'exit', config: {} },
    ],
    ['trigger_1->exit_1'],
  );

describe.skipIf(skipWithoutChromium)('journey settings in the builder', () => {
  const s = sharedEditorSession();
  const server = async (id: string) => (await s.h.call('GET', `/v1/journeys/${id}`)).body;
  const open = async (page: Page, id: string) => {
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(T('node-exit_1')).waitFor();
    await page.click(T('journey-settings-open'));
    await page.locator(`${T('journey-settings')}[open]`).waitFor();
  };

  it('edits timezone, priority and loop limit, saved with the draft revision and published with it', async () => {
    const id = (await s.h.call('POST', '/v1/journeys', { name: 'Settings', graph: simple() })).body.id;
    const { revision } = await server(id);
    const page = await s.signedIn('marketer');
    await open(page, id);
    await page.selectOption(T('journey-timezone'), 'Europe/Paris');
    await page.selectOption(T('journey-priority'), '8');
    await page.fill(T('journey-loops'), '0');
    await hasText(page, '#journey-loops-hint[role="alert"]', 'whole number from 1');
    await page.fill(T('journey-loops'), '12');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'journey-settings.png') });
    await page.keyboard.press('Escape');
    await page.locator(`${T('journey-settings')}`).waitFor({ state: 'detached' });
    await hasText(page, T('save-state'), 'All changes saved');
    const saved = await server(id);
    expect(saved.settings).toEqual({ defaultTimezone: 'Europe/Paris', priority: 8, maxLoopIterations: 12 });
    expect(saved.revision).toBeGreaterThan(revision);

    await page.reload();
    await open(page, id);
    expect(await page.inputValue(T('journey-timezone'))).toBe('Europe/Paris');
    expect(await page.inputValue(T('journey-loops'))).toBe('12');
    await page.click(T('journey-settings-done'));

    await page.click(T('publish-button'));
    await page.fill(T('publish-note'), 'Paris time');
    await page.click(T('publish-confirm'));
    await hasText(page, T('journey-status'), 'v1');
    const v1 = (await s.h.call('GET', `/v1/journeys/${id}/versions/1`)).body;
    expect(v1.settings).toMatchObject({ defaultTimezone: 'Europe/Paris', priority: 8 });
    await page.context().close();
  });

  it('picks a saved segment as the audience, and clears it again', async () => {
    expect(
      (await s.h.call('POST', '/v1/segments', { id: 'beta-testers', kind: 'manual', name: 'Beta testers' }))
        .status,
    ).toBe(201);
    const id = (await s.h.call('POST', '/v1/journeys', { name: 'Audience', graph: simple() })).body.id;
    const page = await s.signedIn('marketer');
    await open(page, id);
    await page
      .locator(`${T('journey-audience')} option[value="beta-testers"]`)
      .waitFor({ state: 'attached' });
    await page.selectOption(T('journey-audience'), 'beta-testers');
    await page.click(T('journey-settings-done'));
    await hasText(page, T('save-state'), 'All changes saved');
    expect((await server(id)).settings.audienceSegment).toBe('beta-testers');
    await page.click(T('journey-settings-open'));
    await page.selectOption(T('journey-audience'), '');
    await page.click(T('journey-settings-done'));
    await hasText(page, T('save-state'), 'All changes saved');
    expect((await server(id)).settings.audienceSegment).toBeNull();
    await page.context().close();
  });

  it('shows the settings read-only to a role that cannot edit journeys', async () => {
    const id = (await s.h.call('POST', '/v1/journeys', { name: 'Read only', graph: simple() })).body.id;
    const page = await s.signedIn('support');
    await open(page, id);
    expect(await page.locator(T('journey-timezone')).isDisabled()).toBe(true);
    expect(await page.locator(T('journey-priority')).isDisabled()).toBe(true);
    expect(await page.locator(T('journey-loops')).getAttribute('readonly')).not.toBeNull();
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  });
});
