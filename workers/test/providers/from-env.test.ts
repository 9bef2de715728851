import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webPush from 'web-push';
import { testDatabase } from '../../../test/support/servers.ts';
import { DEFAULT_EMAIL_FROM, describeProviders, providersFromEnv } from '../../src/providers/from-env.ts';
import type { RenderedMessage } from '../../src/providers/types.ts';
import { verifyWebhookSignature } from '../../src/providers/webhook/index.ts';
import { parseMime, startHttpServer, startSmtpServer } from './local-servers.ts';

const message = (channel: RenderedMessage['channel'], to: string): RenderedMessage => ({
  channel,
  to,
  subject: 'Hi',
  body: 'Hello there',
  customerId: 'ada',
  journeyId: 'j1',
  nodeId: 'n1',
  enrollmentId: 'e1',
});

describe('providersFromEnv', () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(() => database.close());

  it('falls back to the Mongo outbox for unconfigured channels and always delivers webhooks over HTTP', async () => {
    const providers = providersFromEnv({ SMTP_URL: '  ', TWILIO_FROM: '' }, database.db);
    expect(describeProviders(providers)).toBe('email=outbox sms=outbox push=outbox webhook=webhook');
    await providers.email.send(message('email', 'ada@example.com'), { idempotencyKey: 'outbox-1' });
    const stored = await database.db.collection(COLLECTIONS.messages).findOne({ _id: 'outbox-1' as never });
    expect(stored).toMatchObject({ channel: 'email', to: 'ada@example.com', body: 'Hello there' });
  });

  it('sends email over SMTP_URL from EMAIL_FROM, or from the default sender', async () => {
    const smtp = await startSmtpServer({ user: 'u', pass: 'smtp-secret' });
    try {
      await providersFromEnv({ SMTP_URL: smtp.url }, database.db).email.send(
        message('email', 'a@example.com'),
        {
          idempotencyKey: 'env-mail-1',
        },
      );
      await providersFromEnv(
        { SMTP_URL: smtp.url, EMAIL_FROM: 'Shop <hello@shop.example>' },
        database.db,
      ).email.send(message('email', 'b@example.com'), { idempotencyKey: 'env-mail-2' });
      const [first, second] = smtp.received;
      expect(first.mailFrom).toBe('no-reply@localhost');
      expect(parseMime(first.raw).headers.from).toBe(DEFAULT_EMAIL_FROM);
      expect(second.mailFrom).toBe('hello@shop.example');
      expect(second.rcptTo).toEqual(['b@example.com']);
    } finally {
      await smtp.close();
    }
  });

  it('sends SMS through Twilio at TWILIO_BASE_URL when all Twilio variables are set', async () => {
    const api = await startHttpServer(() => ({ status: 201, body: '{"sid":"SM42"}' }));
    try {
      const providers = providersFromEnv(
        {
          TWILIO_ACCOUNT_SID: 'AC1',
          TWILIO_AUTH_TOKEN: 'tw-token',
          TWILIO_FROM: '+1555',
          TWILIO_BASE_URL: api.url,
        },
        database.db,
      );
      const receipt = await providers.sms.send(message('sms', '+1666'), { idempotencyKey: 'env-sms' });
      expect(receipt.providerMessageId).toBe('SM42');
      expect(api.requests[0].path).toBe('/2010-04-01/Accounts/AC1/Messages.json');
      expect(api.requests[0].headers.authorization).toBe(
        `Basic ${Buffer.from('AC1:tw-token').toString('base64')}`,
      );
    } finally {
      await api.close();
    }
  });

  it('uses Web Push when the VAPID variables are set and signs webhooks with WEBHOOK_SIGNING_SECRET', async () => {
    const vapid = webPush.generateVAPIDKeys();
    const env = {
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@shop.example',
      WEBHOOK_SIGNING_SECRET: 'whsec_env',
    };
    const providers = providersFromEnv(env, database.db);
    expect(describeProviders(providers, env)).toBe(
      'email=outbox sms=outbox push=webpush webhook=webhook (signed)',
    );

    const receiver = await startHttpServer((request) => ({
      status: 200,
      body: JSON.stringify({
        valid: verifyWebhookSignature(
          'whsec_env',
          String(request.headers['x-itinera-signature']),
          request.body.toString(),
        ),
      }),
    }));
    try {
      const receipt = await providers.webhook.send(message('webhook', `${receiver.url}/hook`), {
        idempotencyKey: 'h',
      });
      expect(receipt.response).toEqual({ valid: true });
    } finally {
      await receiver.close();
    }
  });

  it('refuses a vendor configured in part, naming the missing variables but no values', () => {
    const partialTwilio = () =>
      providersFromEnv({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'tw-secret-token' }, database.db);
    expect(partialTwilio).toThrow('SMS (Twilio) is partly configured: set TWILIO_FROM too, or none of them');
    expect(partialTwilio).not.toThrow(/tw-secret-token/);
    expect(() => providersFromEnv({ VAPID_PRIVATE_KEY: 'vapid-private' }, database.db)).toThrow(
      /VAPID_PUBLIC_KEY, VAPID_SUBJECT/,
    );
  });

  it('rejects a non-SMTP SMTP_URL without echoing its password', () => {
    const build = () => providersFromEnv({ SMTP_URL: 'http://user:pw-secret@mail.example:25' }, database.db);
    expect(build).toThrow('SMTP_URL must start with smtp:// or smtps:// (got http://mail.example:25/)');
    expect(build).not.toThrow(/pw-secret/);
  });
});
