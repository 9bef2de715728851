import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../engine/src/db.ts';
import { type ApiHarness, apiHarness } from '../../../engine/test/support/api.ts';
import { killStore, ownStore } from '../../../engine/test/support/own-store.ts';
import type { StartedMongo } from '../../../scripts/lib/servers.mjs';
import { launchChromium } from '../../../test/support/browser.ts';
import { serveEditor } from './servers.ts';
import { skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('API keys settings and the outage banner in a real browser', () => {
  let store: StartedMongo;
  let closeClient: () => Promise<void>;
  let h: ApiHarness;
  let browser: Browser;
  let editor: { url: string; server: PreviewServer };
  let page: Page;

  beforeAll(async () => {
    store = await ownStore('settings-e2e-store');
    const { client, db } = await connectDatabase(store.url, 'settings_e2e');
    closeClient = () => client.close();
    h = await apiHarness({ db });
    editor = await serveEditor(await h.app.listen({ host: '127.0.0.1', port: 0 }));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('dialog', (dialog) => dialog.accept());
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await editor?.server.close();
    await h?.close();
    await closeClient?.();
    await store?.stop();
  });

  it('lets an admin create a key (shown once) and revoke it', async () => {
    await page.goto(editor.url);
    await page.fill(T('api-key'), h.keys.admin);
    await page.click(T('sign-in'));
    await page.click(T('nav-api-keys'));
    await page.fill(T('api-key-name'), 'Segment (e2e)');
    await page.selectOption('select[aria-label="Role"]', 'ingest');
    await page.click(T('api-key-create'));
    const shown = await page.locator(T('api-key-created')).textContent();
    expect(shown).toMatch(/itn_ingest_/);
    const row = page.locator(`${T('api-keys')} tr`, { hasText: 'Segment (e2e)' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    const keys = (await h.call('GET', '/v1/api-keys')).body as { name: string }[];
    expect(keys.map((k) => k.name)).not.toContain('Segment (e2e)');
  });

  it('shows a banner while the store is down, and clears it once the store is back', async () => {
    const port = store.port!;
    await killStore(store);
    await page.click(T('nav-customers'));
    await page.fill(T('customer-search'), 'ada');
    await page.click(T('customer-search-submit'));
    await page.locator(T('service-banner')).waitFor();
    expect(await page.locator('.banner-error[role="alert"]').count()).toBe(1);
    store = await ownStore('settings-e2e-store', port);
    await page.locator(T('service-banner')).waitFor({ state: 'detached', timeout: 30_000 });
  });
});
