import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  type ECDH,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webPush from 'web-push';
import { webPushProvider } from '../../src/providers/push-webpush/index.ts';
import { PermanentDeliveryError, type RenderedMessage } from '../../src/providers/types.ts';
import { type Reply, startHttpServer } from './local-servers.ts';

const SUBJECT = 'mailto:ops@shop.example';

/** What a browser holds: a P-256 key pair and an auth secret, and the subscription it shares. */
function browserSubscription(endpoint: string) {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  const authSecret = randomBytes(16);
  const subscription = {
    endpoint,
    keys: { p256dh: keys.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') },
  };
  return { keys, authSecret, subscription };
}

/** The browser's side of RFC 8291: decrypts a single-record aes128gcm body. */
function decryptPushBody(body: Buffer, keys: ECDH, authSecret: Buffer): string {
  const salt = body.subarray(0, 16);
  const keyIdLength = body[20];
  const senderPublicKey = body.subarray(21, 21 + keyIdLength);
  const ciphertext = body.subarray(21 + keyIdLength);
  const sharedSecret = keys.computeSecret(senderPublicKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.getPublicKey(), senderPublicKey]);
  const ikm = Buffer.from(hkdfSync('sha256', sharedSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(-16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
  let end = padded.length - 1;
  while (padded[end] === 0) end--;
  expect(padded[end]).toBe(2); // last-record delimiter
  return padded.subarray(0, end).toString('utf8');
}

/** Checks the VAPID JWT's ES256 signature against the application server's public key. */
function verifyVapidJwt(authorization: string, publicKey: string) {
  const [, token, key] = /^vapid t=([^,]+), k=(.+)$/.exec(authorization) ?? [];
  expect(key).toBe(publicKey);
  const [header, payload, signature] = token.split('.');
  const raw = Buffer.from(publicKey, 'base64url');
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    x: raw.subarray(1, 33).toString('base64url'),
    y: raw.subarray(33, 65).toString('base64url'),
  };
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  expect(valid).toBe(true);
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
    aud: string;
    sub: string;
    exp: number;
  };
}

function push(to: string, overrides: Partial<RenderedMessage> = {}): RenderedMessage {
  return {
    channel: 'push',
    to,
    subject: 'Back in stock',
    body: 'The blue sneakers are back — size 42 too.',
    customerId: 'ada',
    journeyId: 'j1',
    nodeId: 'push',
    enrollmentId: 'e1',
    ...overrides,
  };
}

describe('webPushProvider against a local push service', () => {
  const vapid = webPush.generateVAPIDKeys();
  let service: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    service = await startHttpServer((request): Reply => {
      const status = Number(/^\/push\/status-(\d{3})/.exec(request.path)?.[1] ?? 201);
      return {
        status,
        headers: status === 201 ? { location: `${request.path}/messages/m-1` } : {},
        body: '',
      };
    });
  });
  afterAll(() => service.close());

  const provider = () =>
    webPushProvider({ vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, subject: SUBJECT });

  it('posts an aes128gcm-encrypted payload signed with VAPID that the browser can decrypt', async () => {
    const browser = browserSubscription(`${service.url}/push/device-1`);
    const receipt = await provider().send(push(JSON.stringify(browser.subscription)), {
      idempotencyKey: 'e1:push:1',
    });
    expect(receipt.providerMessageId).toBe('/push/device-1/messages/m-1');

    const request = service.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/push/device-1');
    expect(request.headers['content-encoding']).toBe('aes128gcm');
    expect(request.headers.ttl).toBe('86400');
    expect(request.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const claims = verifyVapidJwt(String(request.headers.authorization), vapid.publicKey);
    expect(claims).toMatchObject({ aud: service.url, sub: SUBJECT });
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());

    expect(request.body.toString('utf8')).not.toContain('sneakers');
    expect(JSON.parse(decryptPushBody(request.body, browser.keys, browser.authSecret))).toEqual({
      title: 'Back in stock',
      body: 'The blue sneakers are back — size 42 too.',
    });
  });

  it('uses the same Topic for a retried send so the service can collapse it', async () => {
    const { subscription } = browserSubscription(`${service.url}/push/device-2`);
    const p = webPushProvider({
      vapidPublicKey: vapid.publicKey,
      vapidPrivateKey: vapid.privateKey,
      subject: SUBJECT,
      ttlSeconds: 60,
    });
    await p.send(push(JSON.stringify(subscription)), { idempotencyKey: 'same' });
    await p.send(push(JSON.stringify(subscription)), { idempotencyKey: 'same' });
    await p.send(push(JSON.stringify(subscription)), { idempotencyKey: 'different' });
    const [first, retry, other] = service.requests.slice(-3).map((r) => r.headers);
    expect(first.ttl).toBe('60');
    expect(retry.topic).toBe(first.topic);
    expect(other.topic).not.toBe(first.topic);
  });

  it.each([404, 410])('reports %i as an expired subscription (permanent)', async (status) => {
    const { subscription } = browserSubscription(
      `${service.url}/push/status-${status}/AAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
    );
    const error = await provider()
      .send(push(JSON.stringify(subscription)), { idempotencyKey: `k${status}` })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain('subscription expired');
    expect(error.message).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  });

  it('treats 5xx as retryable', async () => {
    const { subscription } = browserSubscription(`${service.url}/push/status-503`);
    const error = await provider()
      .send(push(JSON.stringify(subscription)), { idempotencyKey: 'k503' })
      .catch((e) => e);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain('503');
  });

  it('refuses an address that is not a PushSubscription, permanently', async () => {
    for (const to of [
      'not json',
      '{"endpoint":"https://x"}',
      '{"endpoint":"https://x","keys":{"p256dh":"zz","auth":"zz"}}',
    ]) {
      await expect(provider().send(push(to), { idempotencyKey: 'bad' })).rejects.toBeInstanceOf(
        PermanentDeliveryError,
      );
    }
  });

  it('rejects a malformed VAPID configuration when built, not on every send', () => {
    expect(() =>
      webPushProvider({
        vapidPublicKey: vapid.publicKey,
        vapidPrivateKey: vapid.privateKey,
        subject: 'ops@shop.example',
      }),
    ).toThrow(/subject/i);
    expect(() =>
      webPushProvider({ vapidPublicKey: 'short', vapidPrivateKey: vapid.privateKey, subject: SUBJECT }),
    ).toThrow();
  });
});
