import { describe, expect, it } from 'vitest';
import { parseSendgridEvents } from '../src/services/receipts/sendgrid.ts';
import {
  parseTwilioStatus,
  twilioSignature,
  verifyTwilioSignature,
} from '../src/services/receipts/twilio.ts';

const NOW = '2026-01-01T00:00:00.000Z';

describe('receipt parsing and signatures', () => {
  it("computes Twilio's published signature example (token 12345)", () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    expect(twilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature('12345', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(
      verifyTwilioSignature('12345', url, { ...params, Digits: '9' }, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='),
    ).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, undefined)).toBe(false);
  });

  it('maps Twilio statuses: final ones recorded, dead-number and STOP codes suppress, the rest ignored', () => {
    const status = (MessageStatus: string, ErrorCode?: string) =>
      parseTwilioStatus({ MessageSid: 'SM1', MessageStatus, ...(ErrorCode ? { ErrorCode } : {}) }, NOW);
    expect(status('delivered')).toMatchObject({ status: 'delivered', providerMessageId: 'SM1', at: NOW });
    expect(status('sent')).toBeNull();
    expect(status('undelivered', '30003')).toMatchObject({ status: 'undelivered', reason: 'error 30003' });
    expect(status('undelivered', '30003')?.suppress).toBeUndefined();
    expect(status('failed', '30006')).toMatchObject({ status: 'undelivered', suppress: 'hard_bounce' });
    expect(status('undelivered', '21610')).toMatchObject({ suppress: 'complaint' });
    expect(() => status('delivered', 'abc')).toThrow(/ErrorCode/);
  });

  it('maps SendGrid events and names the bad one', () => {
    const [hard, soft, spam, open] = parseSendgridEvents(
      [
        { event: 'bounce', type: 'bounce', 'smtp-id': '<m1@x>', timestamp: 1_700_000_000 },
        { event: 'bounce', type: 'blocked', 'smtp-id': 'm2@x' },
        { event: 'spamreport', 'smtp-id': '<m3@x>' },
        { event: 'open', 'smtp-id': '<m4@x>' },
      ],
      NOW,
    );
    expect(hard).toMatchObject({
      status: 'hard_bounce',
      suppress: 'hard_bounce',
      at: '2023-11-14T22:13:20.000Z',
    });
    expect(soft).toMatchObject({ status: 'soft_bounce', providerMessageId: '<m2@x>', at: NOW });
    expect(soft?.suppress).toBeUndefined();
    expect(spam).toMatchObject({ status: 'complaint', suppress: 'complaint' });
    expect(open).toBeNull();
    expect(() => parseSendgridEvents([{ 'smtp-id': '<m@x>' }], NOW)).toThrow(/no event type/);
    expect(() =>
      parseSendgridEvents([{ event: 'delivered', 'smtp-id': '<m@x>', timestamp: 'x' }], NOW),
    ).toThrow(/timestamp/);
  });
});
