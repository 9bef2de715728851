import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/providers/email-smtp/content.ts';
import { smtpEmailProvider } from '../../src/providers/email-smtp/index.ts';
import { PermanentDeliveryError, type RenderedMessage } from '../../src/providers/types.ts';
import { parseMime, startSmtpServer } from './local-servers.ts';

const FROM = 'Itinera <news@shop.example>';

function email(overrides: Partial<RenderedMessage> = {}): RenderedMessage {
  return {
    channel: 'email',
    to: 'ada@example.com',
    subject: 'Your cart misses you',
    body: '<h1>Hi Ada</h1><p>Your <a href="https://shop.example/cart">cart</a> is waiting &amp; ready.</p>',
    customerId: 'ada',
    journeyId: 'j1',
    nodeId: 'mail',
    enrollmentId: 'e1',
    ...overrides,
  };
}

describe('smtpEmailProvider against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer({ user: 'mailer', pass: 's3cr3t/pass' });
  });
  afterAll(() => smtp.close());

  it('sends HTML with a derived text part, unsubscribe headers and a key-derived Message-ID', async () => {
    const provider = smtpEmailProvider({ url: smtp.url, from: FROM });
    const receipt = await provider.send(email({ unsubscribeUrl: 'https://shop.example/u/ada' }), {
      idempotencyKey: 'e1:mail:1',
    });

    const mail = smtp.received.at(-1)!;
    expect(mail).toMatchObject({
      mailFrom: 'news@shop.example',
      rcptTo: ['ada@example.com'],
      username: 'mailer',
      password: 's3cr3t/pass',
    });
    const parsed = parseMime(mail.raw);
    expect(parsed.headers.subject).toBe('Your cart misses you');
    expect(parsed.headers['list-unsubscribe']).toBe('<https://shop.example/u/ada>');
    expect(parsed.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(parsed.headers['x-itinera-idempotency-key']).toBe('e1:mail:1');
    expect(parsed.headers['message-id']).toBe(messageIdFor('e1:mail:1', FROM));
    expect(parsed.headers['message-id']).toMatch(/^<[0-9a-f]{32}\.itinera@shop\.example>$/);
    expect(receipt.providerMessageId).toBe(parsed.headers['message-id']);

    const text = parsed.parts.find((p) => p.headers['content-type'].startsWith('text/plain'));
    const html = parsed.parts.find((p) => p.headers['content-type'].startsWith('text/html'));
    expect(html?.body).toBe(email().body);
    expect(text?.body).toBe('Hi Ada\n\nYour cart (https://shop.example/cart) is waiting & ready.');
  });

  it('repeats the same Message-ID when the same send is retried', async () => {
    const provider = smtpEmailProvider({ url: smtp.url, from: FROM });
    await provider.send(email(), { idempotencyKey: 'e1:mail:retry' });
    await provider.send(email(), { idempotencyKey: 'e1:mail:retry' });
    await provider.send(email(), { idempotencyKey: 'e1:mail:other' });
    const ids = smtp.received.slice(-3).map((m) => parseMime(m.raw).headers['message-id']);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('sends plain text as text with an escaped HTML alternative and the fallback unsubscribe link', async () => {
    const provider = smtpEmailProvider({
      url: smtp.url,
      from: FROM,
      unsubscribeUrl: (message) => `https://shop.example/unsubscribe?c=${message.customerId}`,
    });
    await provider.send(email({ body: 'Tom & Jerry say 1 < 2\nsee you' }), { idempotencyKey: 'plain' });
    const parsed = parseMime(smtp.received.at(-1)!.raw);
    expect(parsed.headers['list-unsubscribe']).toBe('<https://shop.example/unsubscribe?c=ada>');
    const text = parsed.parts.find((p) => p.headers['content-type'].startsWith('text/plain'));
    const html = parsed.parts.find((p) => p.headers['content-type'].startsWith('text/html'));
    expect(text?.body).toBe('Tom & Jerry say 1 < 2\nsee you');
    expect(html?.body).toContain('<p>Tom &amp; Jerry say 1 &lt; 2<br>\nsee you</p>');
  });

  it('omits the unsubscribe headers when no link is known', async () => {
    await smtpEmailProvider({ url: smtp.url, from: FROM }).send(email(), { idempotencyKey: 'no-unsub' });
    const { headers } = parseMime(smtp.received.at(-1)!.raw);
    expect(headers['list-unsubscribe']).toBeUndefined();
    expect(headers['list-unsubscribe-post']).toBeUndefined();
  });

  it('treats a 550 recipient refusal as permanent', async () => {
    const provider = smtpEmailProvider({ url: smtp.url, from: FROM });
    const failure = provider.send(email({ to: 'reject-550@example.com' }), { idempotencyKey: 'k550' });
    await expect(failure).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(failure).rejects.toThrow(/550/);
  });

  it('treats a 451 recipient deferral as retryable', async () => {
    const provider = smtpEmailProvider({ url: smtp.url, from: FROM });
    const error = await provider
      .send(email({ to: 'reject-451@example.com' }), { idempotencyKey: 'k451' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toMatch(/451/);
  });

  it('keeps the password out of errors (bad login, unreachable server)', async () => {
    const badLogin = smtp.url.replace('s3cr3t%2Fpass', 'wr0ng%2Fsecret');
    const loginError = await smtpEmailProvider({ url: badLogin, from: FROM })
      .send(email(), { idempotencyKey: 'bad-login' })
      .catch((e) => e);
    expect(loginError.message).toMatch(/535/);
    expect(loginError.message).not.toMatch(/wr0ng/);

    const closed = await startSmtpServer();
    await closed.close();
    const unreachable = await smtpEmailProvider({
      url: `smtp://u:hunter2@127.0.0.1:${closed.port}`,
      from: FROM,
    })
      .send(email(), { idempotencyKey: 'down' })
      .catch((e) => e);
    expect(unreachable).not.toBeInstanceOf(PermanentDeliveryError);
    expect(unreachable.message).toContain('smtp://127.0.0.1:');
    expect(unreachable.message).not.toContain('hunter2');
  });
});
