import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { graph } from '../../../test/support/journeys.ts';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const welcome = () =>
  graph(
    [
      { id: 'trigger_1', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
      { id: 'wait_1', type: 'wait', config: { mode: 'duration', duration: { amount: 2, unit: 'days' } } },
      { id: 'exit_1', type: 'exit', config: {} },
    ],
    ['trigger_1->wait_1', 'wait_1->exit_1'],
  );

describe.skipIf(skipWithoutChromium)(
  'drafts in a real browser: nothing lost, two editors, live vs draft',
  () => {
    const s = sharedEditorSession();

    const create = async (name: string) =>
      (await s.h.call('POST', '/v1/journeys', { name, graph: welcome() }, 'marketer')).body.id as string;
    const server = async (id: string) => (await s.h.call('GET', `/v1/journeys/${id}`)).body;
    const open = async (page: Page, id: string) => {
      await page.goto(`${s.url}/#/journeys/${id}`);
      await page.locator(T('node-wait_1')).waitFor();
    };
    const saved = (page: Page) => hasText(page, T('save-state'), 'All changes saved');

    it('saves an edit made just before a reload, and an undo back to the saved draft reads saved', async () => {
      const id = await create('Leave early');
      const page = await s.signedIn();
      await open(page, id);
      page.on('dialog', (d) => d.accept());
      await page.fill(T('journey-name'), 'Renamed then reloaded');
      await page.reload();
      await page.locator(T('node-wait_1')).waitFor();
      expect(await page.inputValue(T('journey-name'))).toBe('Renamed then reloaded');
      expect((await server(id)).name).toBe('Renamed then reloaded');

      const { revision } = await server(id);
      await page.locator(`${T('node-exit_1')} .jnode-title`).click();
      await page.keyboard.press('Delete');
      await page.locator(T('node-exit_1')).waitFor({ state: 'detached' });
      await page.keyboard.press('Control+z');
      await page.locator(T('node-exit_1')).waitFor();
      await saved(page);
      expect((await server(id)).revision).toBe(revision);
      await page.context().close();
    });

    it('two editors on one draft: each sees the other, a stale save is refused and resolved', async () => {
      const id = await create('Race');
      const alice = await s.signedIn('marketer');
      const bob = await s.signedIn('admin');
      await open(alice, id);
      await open(bob, id);
      // Presence comes with heartbeats (every 5 s): Alice's first may land after Bob's.
      await hasText(bob, T('presence'), 'marketer (test)', 20_000);

      await alice.fill(T('journey-name'), 'Alice was here');
      await saved(alice);
      await bob.fill(T('journey-name'), 'Bob was here');
      await hasText(bob, T('conflict-banner'), 'marketer (test)');
      await hasText(bob, T('save-state'), 'someone else saved first');
      expect((await server(id)).name).toBe('Alice was here');
      await bob.screenshot({ path: path.join(SCREENSHOTS, 'conflict.png') });

      // Bob loads Alice's draft, then edits on top of it.
      await bob.click(T('conflict-reload'));
      await bob.locator(T('conflict-banner')).waitFor({ state: 'detached' });
      expect(await bob.inputValue(T('journey-name'))).toBe('Alice was here');
      await bob.fill(T('journey-name'), 'Bob after Alice');
      await saved(bob);

      // Alice is now behind; she keeps her version over Bob's.
      await alice.fill(T('journey-name'), 'Alice insists');
      await hasText(alice, T('conflict-banner'), 'admin (test)');
      await alice.click(T('conflict-keep-mine'));
      await saved(alice);
      expect((await server(id)).name).toBe('Alice insists');
      await alice.context().close();
      await bob.context().close();
    });

    it('shows live vs draft, requires a publish note, compares with and restores a version', async () => {
      const id = await s.h.publish(welcome(), 'Live one');
      const page = await s.signedIn();
      await open(page, id);
      await hasText(page, T('draft-diff'), 'Draft matches live v1');
      expect(await page.locator(T('publish-button')).isDisabled()).toBe(true);

      await page.locator(`${T('node-wait_1')} .jnode-title`).click();
      await page.fill(T('field-duration.amount'), '3');
      await hasText(page, T('draft-diff'), 'Draft differs from live v1: 1 node changed');
      await saved(page);

      await page.click(T('publish-button'));
      const dialog = page.getByRole('dialog', { name: 'Publish' });
      await dialog.waitFor();
      expect(await page.locator(T('publish-confirm')).isDisabled()).toBe(true);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await page.click(T('publish-button'));
      await page.fill(T('publish-note'), 'Three days');
      await page.click(T('publish-confirm'));
      await hasText(page, T('draft-diff'), 'Draft matches live v2');

      await page.selectOption(T('compare-version'), '1');
      await page.locator(`${T('node-wait_1')}.diff-changed`).waitFor();
      await hasText(page, T('compare-strip'), '1 changed');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'compare.png') });

      // The versions menu closes on Escape.
      await page.click(T('versions-button'));
      await page.locator(T('versions-list')).waitFor();
      await page.keyboard.press('Escape');
      await page.locator(T('versions-list')).waitFor({ state: 'detached' });

      await page.goto(`${s.url}/#/journeys/${id}/versions/1`);
      await page.click(T('restore-version'));
      await hasText(page, T('draft-diff'), 'Draft differs from live v2: 1 node changed');
      const draft = await server(id);
      expect(draft.graph.nodes.find((n: { id: string }) => n.id === 'wait_1').config.duration.amount).toBe(2);
      await page.context().close();
    });

    it('archive asks first and can be undone', async () => {
      const id = await create('Archive me');
      const page = await s.signedIn();
      await page.locator(T(`archive-${id}`)).click();
      const dialog = page.getByRole('dialog', { name: 'Archive “Archive me”?' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect((await server(id)).status).toBe('draft');
      await page.locator(T(`archive-${id}`)).click();
      await page.click(T('archive-confirm'));
      await hasText(page, `${T(`journey-row-${id}`)} .status`, 'archived');
      await page.click(T('toast-action'));
      await hasText(page, `${T(`journey-row-${id}`)} .status`, 'draft');
      expect((await server(id)).status).toBe('draft');
      await page.context().close();
      expect(s.consoleErrors.filter((e) => !e.includes('409'))).toEqual([]);
    });
  },
);
