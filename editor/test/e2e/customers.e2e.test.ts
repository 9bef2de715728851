import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('the customers page in a real browser', () => {
  const s = sharedEditorSession();

  it('lists recently active customers, then finds them by name, email part and phone', async () => {
    await s.h.identify('cust-grace', {
      name: 'Grace Hopper',
      email: 'grace@navy.example',
      phone: '+1 202 555 0143',
    });
    await s.h.identify('cust-alan', {
      first_name: 'Alan',
      last_name: 'Turing',
      email: 'alan@bletchley.example',
    });
    const page = await s.signedIn('support');
    await page.click(T('nav-customers'));
    await hasText(page, T('customer-results-title'), 'Recently active');
    const rows = page.locator(`${T('customer-results')} tbody tr`);
    await rows.first().waitFor();
    expect(await rows.first().textContent()).toContain('cust-alan');
    await hasText(page, T('customer-results'), 'Alan Turing');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'customers.png') });

    const ids = page.locator(`${T('customer-results')} tbody td:first-child`);
    const search = async (text: string) => {
      await page.fill(T('customer-search'), text);
      await page.press(T('customer-search'), 'Enter');
      await hasText(page, T('customer-results-title'), text);
    };
    await search('hopper');
    await expect.poll(() => ids.allTextContents()).toEqual(['cust-grace']);
    await search('bletchley');
    await expect.poll(() => ids.allTextContents()).toEqual(['cust-alan']);
    await search('2025550143');
    await expect.poll(() => ids.allTextContents()).toEqual(['cust-grace']);
    await search('cust-');
    await expect.poll(async () => (await ids.allTextContents()).sort()).toEqual(['cust-alan', 'cust-grace']);
    await page.click(T('customer-cust-grace'));
    await hasText(page, 'h1', 'cust-grace');
    expect(s.consoleErrors).toEqual([]);
  });
});
