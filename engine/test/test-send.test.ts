import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness, type HarnessOptions } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { smtpEmailProvider } from '../../workers/src/providers/email-smtp/index.ts';
import { twilioSmsProvider } from '../../workers/src/providers/sms-twilio/index.ts';
import { parseMime, startHttpServer, startSmtpServer } from '../../workers/test/providers/local-servers.ts';

const SID = 'AC00000000000000000000000000000001';

const journeyWithSends = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'once' } },
    {
      id: 'mail',
      type: 'send',
      config: {
        channel: 'email',
        subject: 'Welcome {{ profile.first_name }}',
        body: '<p>Hi {{ profile.first_name }}, your plan is {{ profile.plan }}.</p>',
      },
    },
    { id: 'text', type: 'send', config: { channel: 'sms', body: 'Hi {{ profile.first_name }}!' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->mail', 'mail->text', 'text->end'],
);

describe('test send from a send node', () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let twilio: Awaited<ReturnType<typeof startHttpServer>>;
  let journeyId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    twilio = await startHttpServer(() => ({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid: 'SMtest1', status: 'queued' }),
    }));
    h = await devServerHarness({
      providers: {
        email: smtpEmailProvider({ url: smtp.url, from: 'Shop <news@shop.example>' }),
        sms: twilioSmsProvider({
          accountSid: SID,
          authToken: 'token',
          from: '+15550001111',
          baseUrl: twilio.url,
        }),
      },
    });
    journeyId = await h.publish(journeyWithSends);
    await h.identify('ada', { first_name: 'Ada', plan: 'pro', email: 'ada@customer.example' });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    await twilio?.close();
  });

  it('emails the message rendered for the customer to the tester, recorded as a test', async () => {
    const res = await h.call('POST', `/v1/journeys/${journeyId}/test-send`, {
      nodeId: 'mail',
      version: 1,
      customerId: 'ada',
      to: 'tester@team.example',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'sent', channel: 'email', to: 'tester@team.example' });
    expect(res.body.subject).toBe('Welcome Ada');

    const mail = smtp.received.at(-1)!;
    expect(mail.rcptTo).toEqual(['tester@team.example']);
    const html = parseMime(mail.raw).parts.find((p) => p.headers['content-type']?.startsWith('text/html'));
    expect(html?.body).toContain('Hi Ada, your plan is pro.');

    const record = await h.db.collection('deliveries').findOne({ _id: res.body.deliveryId });
    expect(record).toMatchObject({
      test: true,
      status: 'sent',
      customerId: 'ada',
      to: 'tester@team.example',
      testOf: { journeyId, nodeId: 'mail', version: 1 },
    });
    // Keyed by journey, analytics and experiments never see it; no frequency-cap slot is claimed.
    expect(await h.db.collection('deliveries').countDocuments({ journeyId })).toBe(0);
    expect(await h.db.collection('frequency_cap_slots').countDocuments({ customerId: 'ada' })).toBe(0);
  }, 60_000);

  it('texts the draft SMS to the tester through the SMS provider', async () => {
    const res = await h.call('POST', `/v1/journeys/${journeyId}/test-send`, {
      nodeId: 'text',
      customerId: 'ada',
      to: '+15557654321',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'sent', channel: 'sms', body: 'Hi Ada!' });
    const form = new URLSearchParams(twilio.requests.at(-1)!.body.toString());
    expect(form.get('To')).toBe('+15557654321');
    expect(form.get('Body')).toBe('Hi Ada!');
  }, 60_000);

  it('names the field that is wrong', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ nodeId: 'start', customerId: 'ada', to: 'tester@team.example' }, 'nodeId'],
      [{ nodeId: 'mail', customerId: 'ada', to: 'not-an-address' }, 'to'],
      [{ nodeId: 'mail', to: 'a@b.co' }, 'customerId'],
      [{ nodeId: 'mail', customerId: 'nobody', to: 'a@b.co' }, 'customerId'],
    ];
    for (const [body, field] of cases) {
      const res = await h.call('POST', `/v1/journeys/${journeyId}/test-send`, body);
      expect(res.status).toBe(body.customerId === 'nobody' ? 404 : 400);
      expect(res.body.field).toContain(field);
    }
    expect(smtp.received).toHaveLength(1);
  }, 60_000);
});

/** A harness with the journey published and customer ada known, for the describe block it is called in. */
function journeyOn(options: HarnessOptions) {
  const s = {} as {
    h: Harness;
    send(body: Record<string, unknown>): Promise<{ status: number; body: { message?: string } }>;
  };
  beforeAll(async () => {
    s.h = await devServerHarness(options);
    const journeyId = await s.h.publish(journeyWithSends);
    await s.h.identify('ada', { first_name: 'Ada' });
    s.send = (body) =>
      s.h.call('POST', `/v1/journeys/${journeyId}/test-send`, { customerId: 'ada', ...body });
  }, 120_000);
  afterAll(() => s.h?.close());
  return s;
}

describe('test send without a worker', () => {
  const s = journeyOn({ inProcessWorker: false });

  it('answers 503 at once instead of waiting for a worker that is not there', async () => {
    const res = await s.send({ nodeId: 'mail', to: 'tester@team.example' });
    expect(res.status).toBe(503);
    expect(res.body.message).toContain('No worker is running');
    expect(await s.h.db.collection('deliveries').countDocuments({ test: true })).toBe(0);
  }, 60_000);
});

describe('test send through the embedded outbox', () => {
  const s = journeyOn({});

  it('stores the message marked as a test, addressed to the tester', async () => {
    const res = await s.send({ nodeId: 'text', to: '+15557654321' });
    expect(res.status).toBe(200);
    const [message] = await s.h.messages('ada');
    expect(message).toMatchObject({ test: true, to: '+15557654321', body: 'Hi Ada!', channel: 'sms' });
  }, 60_000);
});
