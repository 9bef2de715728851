import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

const BASIC = 'sns:topic-password';
const MESSAGE_ID = '<0f1e2d3c.itinera@shop.example>';

/** An SNS post as Amazon sends it: JSON as text/plain, the SES notification a string inside. */
const snsNotification = (message: Record<string, unknown>) => ({
  Type: 'Notification',
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-receipts',
  Message: JSON.stringify(message),
  Timestamp: '2026-11-27T12:00:00.000Z',
  SignatureVersion: '1',
});
const mail = {
  timestamp: '2026-11-27T11:59:00.000Z',
  source: 'news@shop.example',
  messageId: '010001234567890a-abcdef12-0000-0000-0000-000000000000-000000',
  destination: ['gus@customer.example'],
  headers: [{ name: 'Message-ID', value: MESSAGE_ID }],
  commonHeaders: { messageId: MESSAGE_ID, subject: 'Hello' },
};

describe('Amazon SES receipts through SNS', () => {
  let h: ApiHarness;
  let url = '';
  const post = (body: unknown, auth = BASIC) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': String((body as { Type?: string }).Type),
        authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    h = await apiHarness();
    url = `${await h.app.listen({ port: 0, host: '127.0.0.1' })}/receipts/ses`;
    process.env.RECEIPTS_WEBHOOK_BASIC_AUTH = BASIC;
    // What the worker records when the SMTP provider hands SES the message.
    await h.db.collection(COLLECTIONS.deliveries).insertOne({
      _id: 'enr-gus:mail:1' as never,
      status: 'sent',
      channel: 'email',
      customerId: 'gus',
      journeyId: 'j-ses',
      nodeId: 'mail',
      enrollmentId: 'enr-gus',
      to: 'gus@customer.example',
      providerMessageId: MESSAGE_ID,
      createdAt: new Date().toISOString(),
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('records a permanent bounce once, suppressing the address, and a transient one as soft', async () => {
    const bounce = snsNotification({
      notificationType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'gus@customer.example', diagnosticCode: 'smtp; 550 5.1.1' }],
        timestamp: '2026-11-27T12:00:00.000Z',
      },
    });
    const first = await post(bounce);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ recorded: 1, matched: 1 });
    expect(await (await post(bounce)).json()).toMatchObject({ recorded: 0, duplicates: 1 });
    const soft = snsNotification({ notificationType: 'Bounce', mail, bounce: { bounceType: 'Transient' } });
    expect(await (await post(soft)).json()).toMatchObject({ recorded: 1 });

    const receipts = await h.db.collection(COLLECTIONS.receipts).find({ customerId: 'gus' }).toArray();
    expect(receipts.map((r) => `${r.status} ${r.reason}`).sort()).toEqual([
      'hard_bounce Permanent/General',
      'soft_bounce Transient',
    ]);
    const suppressed = await h.call('GET', '/v1/customers/gus/suppressions');
    expect(suppressed.body).toMatchObject([
      { channel: 'email', kind: 'hard_bounce', reason: 'Permanent/General' },
    ]);
  });

  it('records complaints and deliveries, and ignores other notification types', async () => {
    const complaint = snsNotification({
      notificationType: 'Complaint',
      mail,
      complaint: { complaintFeedbackType: 'abuse', timestamp: '2026-11-27T12:05:00.000Z' },
    });
    expect(await (await post(complaint)).json()).toMatchObject({ recorded: 1, matched: 1 });
    const delivery = snsNotification({
      eventType: 'Delivery',
      mail,
      delivery: { timestamp: '2026-11-27T12:00:01Z' },
    });
    expect(await (await post(delivery)).json()).toMatchObject({ recorded: 1 });
    const open = snsNotification({ eventType: 'Open', mail });
    expect(await (await post(open)).json()).toMatchObject({ recorded: 0, ignored: 1 });
  });

  it('refuses wrong credentials, a foreign SubscribeURL and a malformed Message, naming the field', async () => {
    expect((await post(snsNotification({ notificationType: 'Delivery', mail }), 'sns:wrong')).status).toBe(
      401,
    );
    const foreign = await post({
      Type: 'SubscriptionConfirmation',
      SubscribeURL: 'https://attacker.example/x',
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toMatchObject({ field: 'SubscribeURL' });
    const broken = await post({ Type: 'Notification', Message: '{not json' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ field: 'Message' });
    const noMail = await post(snsNotification({ notificationType: 'Bounce', bounce: {} }));
    expect(await noMail.json()).toMatchObject({ field: 'Message.mail' });
  });

  it('exports the receipts and suppressions with the customer, and erases them with the customer', async () => {
    const exported = await h.call('GET', '/v1/customers/gus/export');
    expect(exported.body.deliveryReceipts).toHaveLength(4);
    expect(exported.body.suppressions).toMatchObject([{ address: 'gus@customer.example' }]);
    expect((await h.call('DELETE', '/v1/customers/gus')).status).toBe(200);
    expect(await h.db.collection(COLLECTIONS.receipts).countDocuments({ customerId: 'gus' })).toBe(0);
    expect(await h.db.collection(COLLECTIONS.suppressions).countDocuments({ customerId: 'gus' })).toBe(0);
  });
});
