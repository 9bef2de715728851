import { describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/harness.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('consent and times on the customer page', () => {
  const s = sharedEditorSession();
  const consent = async (id: string) =>
    (await s.h.call('GET', `/v1/customers/${id}/subscriptions`, undefined, 'support')).body;

  it('support changes channels and topics; a marketer sees them read-only; times read in the customer zone', async () => {
    await s.h.identify('consent-kenji', { email: 'kenji@example.jp', timezone: 'Asia/Tokyo' });
    await s.h.track('consent-kenji', 'viewed_pricing');

    const page = await s.signedIn('support');
    await page.goto(`${s.url}/#/customers/consent-kenji`);
    const email = page.locator(T('consent-channel-email'));
    await email.waitFor();
    expect(await email.isChecked()).toBe(true);
    await email.uncheck();
    await eventually(async () => (await consent('consent-kenji')).channels.email === false);
    expect(await email.isChecked()).toBe(false);

    await page.fill(T('consent-topic-name'), 'newsletter');
    await page.click(T('consent-topic-opt-out'));
    const newsletter = page.locator(T('consent-topic-newsletter'));
    await newsletter.waitFor();
    expect(await newsletter.isChecked()).toBe(false);
    expect((await consent('consent-kenji')).topics).toEqual({ newsletter: false });
    await newsletter.check();
    await eventually(async () => (await consent('consent-kenji')).topics.newsletter === true);

    // The event's time is Tokyo time on screen, the viewer's own in the tooltip.
    const time = page.locator(`${T('events')} ${T('customer-time')}`).first();
    await time.waitFor();
    expect(await time.textContent()).toContain('GMT+9');
    expect(await time.getAttribute('title')).toMatch(/^Your time: /);
    await hasText(page, T('traits'), 'Asia/Tokyo');

    const marketer = await s.signedIn('marketer');
    await marketer.goto(`${s.url}/#/customers/consent-kenji`);
    await hasText(marketer, T('subscriptions'), 'Read-only');
    expect(await marketer.locator(T('consent-channel-email')).isDisabled()).toBe(true);
    expect(await marketer.locator(T('consent-channel-email')).isChecked()).toBe(false);
    expect(await marketer.locator(T('consent-topic-name')).count()).toBe(0);
    expect(s.consoleErrors).toEqual([]);
  });
});
