import { COLLECTIONS } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { foldAnalytics } from '../../../engine/src/services/analytics/fold.ts';
import { receiptStore } from '../../../engine/src/services/receipts/store.ts';
import { eventually } from '../../../test/support/harness.ts';
import { graph } from '../../../test/support/journeys.ts';
import { hasText, sharedEditorSession, skipWithoutChromium, T } from './session.ts';

const journey = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'ordered', reentry: 'once' } },
    { id: 'thanks', type: 'send', config: { channel: 'email', subject: 'Thanks', body: 'Thank you' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->thanks', 'thanks->end'],
);

describe.skipIf(skipWithoutChromium)('delivery receipts in the editor', () => {
  const s = sharedEditorSession();

  it('shows bounce and delivery rates in the report and the receipts on the customer page', async () => {
    const { h } = s;
    const id = await h.publish(journey, 'Order thanks');
    for (const c of ['rcpt-ok', 'rcpt-bounce']) {
      await h.identify(c, { email: `${c}@example.com` });
      await h.track(c, 'ordered');
    }
    const sent = await eventually(async () => {
      const found = await h.db
        .collection(COLLECTIONS.deliveries)
        .find({ journeyId: id, status: 'sent' })
        .toArray();
      return found.length === 2 && found;
    }, 60_000);
    const messageId = (customerId: string) =>
      sent.find((d) => d.customerId === customerId)!.providerMessageId;
    const at = new Date().toISOString();
    await receiptStore(h.db, h.app.services.ingestion).record([
      {
        provider: 'sendgrid',
        providerMessageId: messageId('rcpt-ok'),
        status: 'delivered',
        providerStatus: 'delivered',
        at,
      },
      {
        provider: 'sendgrid',
        providerMessageId: messageId('rcpt-bounce'),
        status: 'hard_bounce',
        providerStatus: 'bounce',
        reason: '550 5.1.1 no such user',
        suppress: 'hard_bounce',
        at,
      },
    ]);
    await foldAnalytics(h.db);

    const page = await s.signedIn('support');
    await page.goto(`${s.url}/#/journeys`);
    await page.click(T(`report-${id}`));
    await hasText(page, T('table-sends'), 'Bounced (hard/soft)');
    await hasText(page, T('table-sends'), '50.0% (1/0)');
    await hasText(page, T('table-sends'), '50.0% (1)');

    await page.goto(`${s.url}/#/customers/rcpt-bounce`);
    await hasText(page, T('receipts'), 'email bounced (hard) (550 5.1.1 no such user)');
    await hasText(page, T('suppressed-email'), 'rcpt-bounce@example.com is suppressed: hard bounce');
    expect(s.consoleErrors).toEqual([]);
    await page.context().close();
  }, 240_000);
});
