import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, type RenderedMessage } from '../../src/providers/types.ts';
import {
  signWebhookBody,
  verifyWebhookSignature,
  webhookProvider,
  webhookSignatureHeader,
} from '../../src/providers/webhook/index.ts';
import { webhookProvider as legacyImport } from '../../src/providers/webhook.ts';
import { startHttpServer } from './local-servers.ts';

const SECRET = 'whsec_test_secret';

/** A receiver that checks signatures the way a customer's endpoint would. */
async function startVerifyingReceiver() {
  return startHttpServer((request) => {
    const path = request.path.split('?')[0];
    if (path === '/broken') return { status: 503, body: 'down for maintenance' };
    if (path === '/gone') return { status: 404, body: 'no such hook' };
    if (path === '/huge') return { status: 200, body: JSON.stringify({ rows: 'x'.repeat(100_000) }) };
    const header = request.headers['x-itinera-signature'] as string | undefined;
    const valid = verifyWebhookSignature(SECRET, header, request.body.toString());
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
      body: JSON.stringify({ signed: header !== undefined, valid }),
    };
  });
}

function hook(url: string, overrides: Partial<RenderedMessage> = {}): RenderedMessage {
  return {
    channel: 'webhook',
    to: url,
    body: '{"customer":"ada","total":42}',
    customerId: 'ada',
    journeyId: 'j1',
    nodeId: 'hook',
    enrollmentId: 'e1',
    ...overrides,
  };
}

describe('webhookProvider against a local receiver', () => {
  let receiver: Awaited<ReturnType<typeof startVerifyingReceiver>>;
  beforeAll(async () => {
    receiver = await startVerifyingReceiver();
  });
  afterAll(() => receiver.close());

  it('keeps only the first 16 KB of a long reply, which travels in workflow history', async () => {
    const receipt = await webhookProvider().send(hook(`${receiver.url}/huge`), {
      idempotencyKey: 'e1:huge:1',
    });
    expect(receipt.response).toBe(JSON.stringify({ rows: 'x'.repeat(100_000) }).slice(0, 16_384));
  });

  it('signs the exact body so the receiver can verify it, and keeps the idempotency header', async () => {
    const provider = webhookProvider({ signingSecret: SECRET });
    const receipt = await provider.send(hook(`${receiver.url}/hook`), { idempotencyKey: 'e1:hook:1' });
    expect(receipt).toEqual({ providerMessageId: 'req-42', response: { signed: true, valid: true } });

    const request = receiver.requests.at(-1)!;
    expect(request.headers['idempotency-key']).toBe('e1:hook:1');
    expect(request.headers['content-type']).toBe('application/json');
    const header = String(request.headers['x-itinera-signature']);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(5);
    expect(v1).toBe(signWebhookBody(SECRET, request.body.toString(), Number(t)));
  });

  it("does not let a journey's own header replace the signature", async () => {
    const provider = webhookProvider({ signingSecret: SECRET });
    const message = hook(`${receiver.url}/hook`, { headers: { 'x-itinera-signature': 't=1,v1=00' } });
    const receipt = await provider.send(message, { idempotencyKey: 'forged' });
    expect(receipt.response).toEqual({ signed: true, valid: true });
  });

  it('sends no signature without a secret (and the old import path still works)', async () => {
    const receipt = await legacyImport().send(hook(`${receiver.url}/hook`), { idempotencyKey: 'plain' });
    expect(receipt.response).toEqual({ signed: false, valid: false });
    expect(receiver.requests.at(-1)!.headers['x-itinera-signature']).toBeUndefined();
  });

  it('is retryable on 5xx and permanent on 4xx with the response body quoted', async () => {
    const provider = webhookProvider({ signingSecret: SECRET });
    const broken = await provider
      .send(hook(`${receiver.url}/broken`), { idempotencyKey: 'b' })
      .catch((e) => e);
    expect(broken).not.toBeInstanceOf(PermanentDeliveryError);
    expect(broken.message).toContain('503');
    const gone = await provider.send(hook(`${receiver.url}/gone`), { idempotencyKey: 'g' }).catch((e) => e);
    expect(gone).toBeInstanceOf(PermanentDeliveryError);
    expect(gone.message).toContain('404: no such hook');
  });

  it('sends URL credentials as basic auth and keeps them and query tokens out of errors', async () => {
    const url = new URL(`${receiver.url}/gone`);
    url.username = 'hookuser';
    url.password = 'hookpass';
    url.searchParams.set('token', 'tok_abcdef');
    const refused = await webhookProvider()
      .send(hook(url.toString()), { idempotencyKey: 'r' })
      .catch((e) => e);
    const request = receiver.requests.at(-1)!;
    expect(request.path).toBe('/gone?token=tok_abcdef');
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from('hookuser:hookpass').toString('base64')}`,
    );
    expect(refused).toBeInstanceOf(PermanentDeliveryError);
    expect(refused.message).toContain(`${receiver.url}/gone?token=***`);
    expect(refused.message).not.toMatch(/hookpass|hookuser|tok_abcdef/);

    const down = await startHttpServer(() => ({ status: 200 }));
    await down.close();
    const unreachable = await webhookProvider()
      .send(hook(`${down.url.replace('//', '//hookuser:hookpass@')}/x?token=tok_abcdef`), {
        idempotencyKey: 'u',
      })
      .catch((e) => e);
    expect(unreachable).not.toBeInstanceOf(PermanentDeliveryError);
    expect(unreachable.message).toMatch(/unreachable: ECONNREFUSED/);
    expect(unreachable.message).not.toMatch(/hookpass|hookuser|tok_abcdef/);
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"a":1}';
  const now = Date.UTC(2030, 0, 1);

  it('accepts a fresh signature and rejects a tampered body, a wrong secret or a stale timestamp', () => {
    const header = webhookSignatureHeader(SECRET, body, now);
    expect(verifyWebhookSignature(SECRET, header, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, '{"a":2}', 300, now)).toBe(false);
    expect(verifyWebhookSignature('other', header, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, body, 300, now + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, body, 600, now + 301_000)).toBe(true);
  });

  it('accepts any matching v1 entry and rejects malformed headers', () => {
    const t = Math.floor(now / 1000);
    const good = signWebhookBody(SECRET, body, t);
    expect(verifyWebhookSignature(SECRET, `t=${t},v1=${'0'.repeat(64)},v1=${good}`, body, 300, now)).toBe(
      true,
    );
    for (const header of [undefined, '', `v1=${good}`, `t=${t}`, `t=abc,v1=${good}`, `t=${t},v1=zz`]) {
      expect(verifyWebhookSignature(SECRET, header, body, 300, now)).toBe(false);
    }
  });
});
