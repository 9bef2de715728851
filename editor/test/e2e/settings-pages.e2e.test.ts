import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS } from './servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('settings pages: delivery, templates and promo pools', () => {
  const s = sharedEditorSession();
  const shot = (name: string) => path.join(SCREENSHOTS, `${name}.png`);

  it('a marketer sets quiet hours and a cap; each half saves on its own', async () => {
    const page = await s.signedIn('marketer');
    expect(await page.locator(T('nav-api-keys')).count()).toBe(0);
    await page.click(T('nav-delivery'));
    await page.check(T('quiet-enabled'));
    await page.fill(T('quiet-start'), '22:00');
    await page.fill(T('quiet-end'), '07:30');
    await page.click(T('quiet-save'));
    await hasText(page, '.toast', 'Quiet hours saved');
    await page.click(T('cap-add'));
    await page.selectOption(`${T('cap-0')} select`, 'sms');
    await page.fill(`${T('cap-0')} input[aria-label="Most messages"]`, '2');
    await page.fill(`${T('cap-0')} input[aria-label="Window in hours"]`, '12');
    await page.click(T('caps-save'));
    await hasText(page, '.toast', 'Frequency caps saved');
    await page.screenshot({ path: shot('settings-delivery') });
    expect((await s.h.call('GET', '/v1/settings/delivery')).body).toEqual({
      quietHours: { start: '22:00', end: '07:30' },
      frequencyCaps: [{ channel: 'sms', max: 2, windowHours: 12 }],
    });
    await page.context().close();
  });

  it('creates a template with a live preview rendered for a real customer', async () => {
    await s.h.identify('tpl-ada', { first_name: 'Ada', email: 'ada@example.com' });
    const page = await s.signedIn('marketer');
    await page.click(T('nav-templates'));
    await page.click(T('template-new'));
    await page.fill(T('template-name'), 'Welcome mail');
    await page.fill(T('template-subject'), 'Hi {{ profile.first_name }}');
    await page.fill(T('template-body'), '<h1>Hello {{ profile.first_name }}</h1><p>Welcome aboard.</p>');
    await page.fill(T('template-preview-customer'), 'tpl-ada');
    await hasText(page, T('template-preview-subject'), 'Hi Ada');
    const frame = page.frameLocator(`${T('template-live-preview')} iframe`);
    await frame.locator('h1', { hasText: 'Hello Ada' }).waitFor();
    expect(await page.locator(`${T('template-live-preview')} iframe`).getAttribute('sandbox')).toBe('');
    await page.click(T('template-save'));
    await hasText(page, T('templates'), 'Welcome mail');
    // Reopened as the saved template: previewed for the most recently active customer by default.
    await hasText(page, T('template-preview-subject'), 'Hi Ada');
    await page.screenshot({ path: shot('settings-templates') });
    const saved = (await s.h.call('GET', '/v1/templates')).body as { name: string; subject: string }[];
    expect(saved.find((t) => t.name === 'Welcome mail')?.subject).toBe('Hi {{ profile.first_name }}');
    await page.context().close();
  });

  it('lists promo pools with what is left', async () => {
    const pool = { id: 'spring', name: 'Spring promo', kind: 'pattern', pattern: 'SPRING-{X:6}' };
    expect((await s.h.call('POST', '/v1/promo-pools', pool)).status).toBe(201);
    const page = await s.signedIn('marketer');
    await page.click(T('nav-promo-pools'));
    await hasText(page, T('promo-pools'), 'Spring promo');
    await hasText(page, T('promo-pools'), 'unlimited');
    await page.screenshot({ path: shot('settings-promo-pools') });
    await page.context().close();
  });

  it('support sees the settings read-only, as the API allows', async () => {
    const quietHours = { start: '22:00', end: '07:30' };
    expect((await s.h.call('PUT', '/v1/settings/delivery', { quietHours })).status).toBe(200);
    const page = await s.signedIn('support');
    expect(await page.locator(T('nav-api-keys')).count()).toBe(0);
    await page.click(T('nav-delivery'));
    await page.locator(T('quiet-start')).waitFor();
    expect(await page.locator(T('quiet-start')).isDisabled()).toBe(true);
    expect(await page.locator(T('quiet-save')).count()).toBe(0);
    expect(await page.locator(T('caps-save')).count()).toBe(0);
    await page.click(T('nav-templates'));
    await hasText(page, T('templates'), 'Welcome mail');
    expect(await page.locator(T('template-new')).count()).toBe(0);
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  });
});
