import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilio } from '../../test/support/fake-twilio.ts';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { twilioSmsProvider } from '../../workers/src/providers/sms-twilio/index.ts';
import { foldAnalytics } from '../src/services/analytics/fold.ts';
import { receiptStore } from '../src/services/receipts/store.ts';
import { twilioSignature } from '../src/services/receipts/twilio.ts';

const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'receipts-test-auth-token';
const DEAD_NUMBER = '+15550000005';

/** trigger "signed_up" (again after each exit) -> one marketing SMS -> exit. */
const smsJourney = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'event', event: 'signed_up', reentry: 'after_exit' } },
    { id: 'text', type: 'send', config: { channel: 'sms', body: 'Welcome aboard' } },
    { id: 'end', type: 'exit', config: {} },
  ],
  ['start->text', 'text->end'],
);

describe('Twilio status callbacks as delivery receipts', () => {
  let h: Harness;
  let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
  let callbackUrl = '';
  let journeyId: string;

  const deliveriesOf = (customerId: string) =>
    h.db.collection(COLLECTIONS.deliveries).find({ customerId }).sort({ createdAt: 1 }).toArray();
  const receiptsOf = (customerId: string) =>
    h.db.collection(COLLECTIONS.receipts).find({ customerId }).toArray();
  const postCallback = (
    params: Record<string, string>,
    signature = twilioSignature(TOKEN, callbackUrl, params),
  ) =>
    fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
    });
  /** Callbacks that raced ahead of the worker recording the message sid are matched by the sweep. */
  const matchAll = (customerId: string, statuses: number) =>
    eventually(async () => {
      await receiptStore(h.db, h.app.services.ingestion).matchPending();
      const receipts = await receiptsOf(customerId);
      return receipts.length === statuses && receipts.every((r) => r.matched) && receipts;
    }, 60_000);

  beforeAll(async () => {
    twilio = await startFakeTwilio({
      accountSid: SID,
      authToken: TOKEN,
      outcome: (to) =>
        to === DEAD_NUMBER ? { status: 'undelivered', errorCode: '30005' } : { status: 'delivered' },
    });
    // The provider is made per send: the API's port (in the callback URL) is known only once it listens.
    h = await devServerHarness({
      providers: {
        sms: {
          name: 'twilio',
          send: (message, options) =>
            twilioSmsProvider({
              accountSid: SID,
              authToken: TOKEN,
              from: '+15550001111',
              baseUrl: twilio.url,
              statusCallbackUrl: callbackUrl,
            }).send(message, options),
        },
      },
    });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    callbackUrl = `${address}/receipts/twilio`;
    process.env.TWILIO_AUTH_TOKEN = TOKEN;
    process.env.TWILIO_STATUS_CALLBACK_URL = callbackUrl;
    journeyId = await h.publish(smsJourney);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await twilio?.close();
  });

  it('records delivered once though Twilio calls back twice, and shows it on the customer timeline', async () => {
    await h.identify('ada', { phone: '+15558675310' });
    await h.track('ada', 'signed_up');
    await h.stepsWhenEnded('ada', 'text');
    await twilio.settled();
    const [delivery] = await deliveriesOf('ada');
    expect(delivery).toMatchObject({ status: 'sent', channel: 'sms' });
    expect(twilio.callbacks.filter((c) => c.sid === delivery.providerMessageId).map((c) => c.answer)).toEqual(
      [200, 200, 200],
    );

    const [receipt] = await matchAll('ada', 1);
    expect(receipt).toMatchObject({
      provider: 'twilio',
      status: 'delivered',
      deliveryId: String(delivery._id),
      journeyId,
      nodeId: 'text',
      channel: 'sms',
    });
    const events = await eventually(async () => {
      const { body } = await h.call('GET', '/v1/customers/ada/events');
      const found = body.filter((e: { event: string }) => e.event === 'message_delivered');
      return found.length > 0 && found;
    });
    expect(events).toHaveLength(1);
    expect(events[0].properties).toMatchObject({ channel: 'sms', nodeId: 'text', status: 'delivered' });
  });

  it('suppresses a number Twilio reports as unknown, so the next send skips it with the reason', async () => {
    await h.identify('bob', { phone: DEAD_NUMBER });
    await h.track('bob', 'signed_up', {}, 'bob-signup-1');
    await h.stepsWhenEnded('bob', 'text');
    await twilio.settled();
    const [receipt] = await matchAll('bob', 1);
    expect(receipt).toMatchObject({ status: 'undelivered', reason: 'error 30005', suppress: 'hard_bounce' });
    const suppressions = await eventually(async () => {
      const found = await h.db.collection(COLLECTIONS.suppressions).find({ customerId: 'bob' }).toArray();
      return found.length > 0 && found;
    });
    expect(suppressions).toMatchObject([
      { channel: 'sms', address: DEAD_NUMBER, kind: 'hard_bounce', reason: 'error 30005' },
    ]);

    await h.track('bob', 'signed_up', {}, 'bob-signup-2');
    const second = await eventually(async () => {
      const found = await deliveriesOf('bob');
      return found.length === 2 && found[1].status !== 'sending' && found[1];
    });
    expect(second).toMatchObject({ status: 'skipped' });
    expect(second.detail).toContain('sms: suppressed (hard bounce: error 30005)');
  });

  it('counts delivered and undelivered per send node in the analytics report', async () => {
    await foldAnalytics(h.db);
    const { status, body } = await h.call('GET', `/v1/journeys/${journeyId}/analytics`);
    expect(status).toBe(200);
    const [row] = body.sends;
    expect(row).toMatchObject({
      nodeId: 'text',
      channel: 'sms',
      sent: 2,
      skipped: 1,
      delivered: 1,
      undelivered: 1,
      bounced: 0,
      complained: 0,
      deliveryRate: 0.5,
    });
  });

  it('answers an unknown message 200 and records it unmatched', async () => {
    const params = {
      MessageSid: 'SMffffffffffffffffffffffffffffffff',
      MessageStatus: 'delivered',
      To: '+1555',
    };
    const response = await postCallback(params);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 1, recorded: 1, unmatched: 1 });
    const stored = await h.db
      .collection(COLLECTIONS.receipts)
      .findOne({ providerMessageId: 'SMffffffffffffffffffffffffffffffff' });
    expect(stored).toMatchObject({ matched: false, status: 'delivered' });
  });

  it('refuses a forged signature with 403 and a payload without MessageSid with 400 naming it', async () => {
    const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
    const forged = await postCallback(params, twilioSignature('not-the-token', callbackUrl, params));
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ field: 'x-twilio-signature' });
    const missing = await postCallback({ MessageStatus: 'delivered' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: 'MessageSid' });
  });
});
