import { afterAll, describe, expect, it } from 'vitest';
import { devServerHarness } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { smtpEmailProvider } from '../../../workers/src/providers/email-smtp/index.ts';
import { parseMime, startSmtpServer } from '../../../workers/test/providers/local-servers.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

describe.skipIf(skipWithoutChromium)('test send from the send node panel', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>> | undefined;
  const s = sharedEditorSession(async () => {
    smtp = await startSmtpServer();
    return devServerHarness({
      providers: { email: smtpEmailProvider({ url: smtp.url, from: 'news@shop.example' }) },
    });
  });
  afterAll(() => smtp?.close());

  it('sends the node email, rendered for the chosen customer, to the typed address', async () => {
    await s.h.identify('ada', { first_name: 'Ada', email: 'ada@customer.example' });
    const id = await s.h.publish(
      graph(
        [
          { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
          {
            id: 'welcome',
            type: 'send',
            config: {
              channel: 'email',
              subject: 'Hello {{ profile.first_name }}',
              body: '<p>Hi {{ profile.first_name }}</p>',
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->welcome', 'welcome->end'],
      ),
      'Welcome series',
    );
    expect(
      (await s.h.call('POST', '/v1/promo-pools', { id: 'spring', name: 'Spring', kind: 'list' })).status,
    ).toBe(201);
    const page = await s.signedIn('marketer');
    await page.goto(`${s.url}/#/journeys/${id}`);
    await page.locator(`${T('node-welcome')} .jnode-title`).click();
    await page.locator(T('test-send')).waitFor();
    // Saved promo-code pools are offered in the send node's pool field.
    await page.locator(`#field-promoPool-options option[value="spring"]`).waitFor({ state: 'attached' });
    await page.fill(T('test-send-to'), 'tester@team.example');
    await page.fill(T('test-send-customer'), 'ad');
    // The customer field suggests matching customers, with their email.
    await page.locator(`${T('test-send')} datalist option[value="ada"]`).waitFor({ state: 'attached' });
    await page.fill(T('test-send-customer'), 'ada');
    await page.click(T('test-send-button'));
    await hasText(page, T('test-send-result'), 'Sent: test to tester@team.example', 30_000);

    const mail = smtp!.received.at(-1)!;
    expect(mail.rcptTo).toEqual(['tester@team.example']);
    expect(parseMime(mail.raw).headers.subject).toBe('Hello Ada');
    const record = await s.h.db.collection('deliveries').findOne({ test: true, customerId: 'ada' });
    expect(record).toMatchObject({
      status: 'sent',
      testOf: { journeyId: id, nodeId: 'welcome', version: 'draft' },
    });
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  });
});
