import { generateKeyPairSync, sign } from 'node:crypto';
import { segmentEvaluator } from '@itinera/nodes/segments';
import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { smtpEmailProvider } from '../../workers/src/providers/email-smtp/index.ts';
import { parseMime, startSmtpServer } from '../../workers/test/providers/local-servers.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';

const BASIC = 'sendgrid:webhook-password';

/** trigger "joined" (again after each exit) -> one marketing email -> exit. */
const mailJourney = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'joined', reentry: 'after_exit' } },
    { id: 'mail', type: 'send', config: { channel: 'email', subject: 'Hello', body: 'Welcome' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->mail', 'mail->end'],
);

describe('SendGrid Event Webhook receipts for mail sent over SMTP', () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let url = '';
  let journeyId: string;
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  /** Posts events signed as SendGrid signs them: ECDSA over the timestamp header followed by the body. */
  const post = (events: unknown, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(events);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), keys.privateKey).toString('base64');
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature,
        'x-twilio-email-event-webhook-timestamp': timestamp,
        ...headers,
      },
      body,
    });
  };
  /** Sends the journey's email to a new customer; the Message-ID the SMTP server saw is what SendGrid echoes. */
  const mailTo = async (customerId: string, email: string) => {
    await h.identify(customerId, { email });
    await h.track(customerId, 'joined', {}, `${customerId}-joined-1`);
    await h.stepsWhenEnded(customerId, 'mail');
    const mail = smtp.received.find((m) => m.rcptTo.includes(email))!;
    return parseMime(mail.raw).headers['message-id'];
  };
  const event = (smtpId: string, email: string, extra: Record<string, unknown>) => ({
    email,
    timestamp: Math.floor(Date.now() / 1000),
    'smtp-id': smtpId,
    sg_event_id: `ev-${Math.random()}`,
    sg_message_id: 'sendgrid-internal.filter0001',
    ...extra,
  });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    h = await devServerHarness({
      providers: { email: smtpEmailProvider({ url: smtp.url, from: 'Shop <news@shop.example>' }) },
    });
    url = `${await h.app.listen({ port: 0, host: '127.0.0.1' })}/receipts/sendgrid`;
    process.env.SENDGRID_WEBHOOK_PUBLIC_KEY = keys.publicKey
      .export({ type: 'spki', format: 'der' })
      .toString('base64');
    process.env.RECEIPTS_WEBHOOK_BASIC_AUTH = BASIC;
    journeyId = await h.publish(mailJourney);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('records delivered, hard and soft bounces, drops and complaints, each once', async () => {
    const cy = await mailTo('cy', 'cy@customer.example');
    const dee = await mailTo('dee', 'dee@customer.example');
    const eve = await mailTo('eve', 'eve@customer.example');
    const fay = await mailTo('fay', 'fay@customer.example');
    const batch = [
      event(cy, 'cy@customer.example', { event: 'processed' }),
      event(cy, 'cy@customer.example', { event: 'delivered', response: '250 OK' }),
      event(cy, 'cy@customer.example', { event: 'spamreport' }),
      event(dee, 'dee@customer.example', {
        event: 'bounce',
        type: 'bounce',
        reason: '550 5.1.1 no such user',
      }),
      event(eve, 'eve@customer.example', { event: 'bounce', type: 'blocked', reason: '421 try later' }),
      event(fay, 'fay@customer.example', { event: 'dropped', reason: 'Bounced Address' }),
      event(cy, 'cy@customer.example', { event: 'open' }),
    ];
    const first = await post(batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      received: 7,
      recorded: 5,
      duplicates: 0,
      matched: 5,
      unmatched: 0,
      ignored: 2,
    });
    const again = await post(batch);
    expect(await again.json()).toMatchObject({ recorded: 0, duplicates: 5 });
    const stored = await h.db.collection(COLLECTIONS.receipts).find({ journeyId }).toArray();
    expect(stored.map((r) => `${r.customerId} ${r.status}`).sort()).toEqual([
      'cy complaint',
      'cy delivered',
      'dee hard_bounce',
      'eve soft_bounce',
      'fay undelivered',
    ]);
  });

  it('suppresses hard bounces and complaints only, and the reachable segment rule sees it', async () => {
    const suppressed = await h.db.collection(COLLECTIONS.suppressions).find({}).toArray();
    expect(suppressed.map((s) => `${s.customerId} ${s.channel} ${s.kind}`).sort()).toEqual([
      'cy email complaint',
      'dee email hard_bounce',
    ]);
    const reachable = {
      id: 'reach',
      name: 'Reachable',
      kind: 'rules' as const,
      rules: { kind: 'reachable' as const, channel: 'email' as const },
    };
    const evaluator = segmentEvaluator(h.db);
    expect(await evaluator.evaluate(reachable, 'dee')).toMatchObject({
      member: false,
      reason: 'suppressed on email (hard bounce)',
    });
    expect(await evaluator.evaluate(reachable, 'eve')).toMatchObject({ member: true });

    const listed = await h.call('GET', '/v1/customers/dee/suppressions', undefined, 'support');
    expect(listed.body).toMatchObject([
      { channel: 'email', address: 'dee@customer.example', kind: 'hard_bounce' },
    ]);
    const receipts = await h.call('GET', '/v1/customers/cy/receipts', undefined, 'support');
    expect(receipts.body.map((r: { status: string }) => r.status).sort()).toEqual(['complaint', 'delivered']);

    // A new address lifts it: the suppression belongs to the address that bounced.
    await h.identify('dee', { email: 'dee@new.example' });
    expect(await evaluator.evaluate(reachable, 'dee')).toMatchObject({ member: true });
    await h.track('cy', 'joined', {}, 'cy-joined-2');
    const second = await eventually(async () => {
      const found = await h.db
        .collection(COLLECTIONS.deliveries)
        .find({ customerId: 'cy' })
        .sort({ createdAt: 1 })
        .toArray();
      return found.length === 2 && found[1].status !== 'sending' && found[1];
    });
    expect(second).toMatchObject({ status: 'skipped' });
    expect(second.detail).toContain('email: suppressed (complaint: spam report)');
  });

  it('reports delivery, bounce and complaint rates for the send node', async () => {
    await foldAnalytics(h.db);
    const { body } = await h.call('GET', `/v1/journeys/${journeyId}/analytics`);
    expect(body.sends[0]).toMatchObject({
      nodeId: 'mail',
      channel: 'email',
      sent: 4,
      delivered: 1,
      hardBounced: 1,
      softBounced: 1,
      bounced: 2,
      complained: 1,
      undelivered: 1,
      deliveryRate: 0.25,
      bounceRate: 0.5,
      complaintRate: 0.25,
    });
    const csv = await fetch(
      url.replace('/receipts/sendgrid', `/v1/journeys/${journeyId}/analytics/sends.csv`),
      {
        headers: { authorization: `Bearer ${h.keys.support}` },
      },
    );
    expect((await csv.text()).split('\n')[0]).toContain('bounceRate');
  });

  it('accepts basic auth instead of a signature, and refuses neither with 403', async () => {
    const events = [event('<unknown@shop.example>', 'x@y.example', { event: 'delivered' })];
    const basic = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(BASIC).toString('base64')}`,
      },
      body: JSON.stringify(events),
    });
    expect(await basic.json()).toMatchObject({ recorded: 1, unmatched: 1 });
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(unsigned.status).toBe(403);
    const tampered = await post(events, { 'x-twilio-email-event-webhook-timestamp': '1' });
    expect(tampered.status).toBe(403);
  });

  it('refuses bad payloads with 400 naming the field, recording nothing from the batch', async () => {
    const notArray = await post({ event: 'delivered' });
    expect(notArray.status).toBe(400);
    expect(await notArray.json()).toMatchObject({ field: 'body' });
    const noId = await post([
      event('<a@b>', 'a@b.example', { event: 'delivered' }),
      { event: 'bounce', email: 'x@y.example' },
    ]);
    expect(noId.status).toBe(400);
    expect(await noId.json()).toMatchObject({ field: '[1].smtp-id' });
    expect(await h.db.collection(COLLECTIONS.receipts).countDocuments({ providerMessageId: '<a@b>' })).toBe(
      0,
    );
  });
});
