import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSmsProvider } from '../../src/providers/sms-twilio/index.ts';
import { PermanentDeliveryError, type RenderedMessage } from '../../src/providers/types.ts';
import { type Reply, startHttpServer } from './local-servers.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-do-not-leak';
const MESSAGES_PATH = `/2010-04-01/Accounts/${SID}/Messages.json`;

const sms: RenderedMessage = {
  channel: 'sms',
  to: '+15558675310',
  body: 'Your code is 1234 & expires soon',
  customerId: 'ada',
  journeyId: 'j1',
  nodeId: 'text',
  enrollmentId: 'e1',
};

/** Imitates Twilio's Messages endpoint; the `To` number picks the outcome. */
function twilioReply(request: { path: string; body: Buffer }): Reply {
  if (request.path !== MESSAGES_PATH) return { status: 404, body: '{"code":20404,"message":"Not found"}' };
  const to = new URLSearchParams(request.body.toString()).get('To');
  const json = { 'content-type': 'application/json' };
  if (to === '+1invalid') {
    const error = {
      code: 21211,
      message: "The 'To' number +1invalid is not a valid phone number.",
      status: 400,
    };
    return { status: 400, headers: json, body: JSON.stringify(error) };
  }
  if (to === '+15550000503')
    return { status: 503, headers: json, body: '{"code":20503,"message":"Service unavailable"}' };
  if (to === '+15550000429')
    return { status: 429, headers: json, body: '{"code":20429,"message":"Too Many Requests"}' };
  return { status: 201, headers: json, body: JSON.stringify({ sid: 'SM1f0e2d3c', status: 'queued', to }) };
}

describe('twilioSmsProvider against a local Messages API', () => {
  let api: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    api = await startHttpServer(twilioReply);
  });
  afterAll(() => api.close());

  const provider = () =>
    twilioSmsProvider({ accountSid: SID, authToken: TOKEN, from: '+15550001111', baseUrl: `${api.url}/` });

  it('posts the form with basic auth and the idempotency token, and returns the message sid', async () => {
    const receipt = await provider().send(sms, { idempotencyKey: 'e1:text:1' });
    expect(receipt).toEqual({
      providerMessageId: 'SM1f0e2d3c',
      response: { sid: 'SM1f0e2d3c', status: 'queued' },
    });

    const request = api.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['i-twilio-idempotency-token']).toBe('e1:text:1');
    expect(Object.fromEntries(new URLSearchParams(request.body.toString()))).toEqual({
      To: '+15558675310',
      From: '+15550001111',
      Body: 'Your code is 1234 & expires soon',
    });
  });

  it('asks for status callbacks (delivery receipts) when given a callback URL', async () => {
    await twilioSmsProvider({
      accountSid: SID,
      authToken: TOKEN,
      from: '+15550001111',
      baseUrl: api.url,
      statusCallbackUrl: 'https://itinera.example/receipts/twilio',
    }).send(sms, { idempotencyKey: 'e1:text:cb' });
    const form = new URLSearchParams(api.requests.at(-1)!.body.toString());
    expect(form.get('StatusCallback')).toBe('https://itinera.example/receipts/twilio');
  });

  it("turns a 400 into a permanent failure carrying Twilio's message and code, not the token", async () => {
    const error = await provider()
      .send({ ...sms, to: '+1invalid' }, { idempotencyKey: 'k400' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain("The 'To' number +1invalid is not a valid phone number.");
    expect(error.message).toContain('code 21211');
    expect(error.message).toContain('400');
    expect(error.message).not.toContain(TOKEN);
  });

  it.each([
    ['503', '+15550000503'],
    ['429', '+15550000429'],
  ])('treats %s as retryable', async (status, to) => {
    const error = await provider()
      .send({ ...sms, to }, { idempotencyKey: `k${status}` })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain(status);
  });

  it('treats an unreachable API as retryable', async () => {
    const gone = await startHttpServer(twilioReply);
    await gone.close();
    const error = await twilioSmsProvider({
      accountSid: SID,
      authToken: TOKEN,
      from: '+1',
      baseUrl: gone.url,
    })
      .send(sms, { idempotencyKey: 'down' })
      .catch((e) => e);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/unreachable/);
    expect(error.message).not.toContain(TOKEN);
  });
});
