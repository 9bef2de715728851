import type { Db } from 'mongodb';
import { smtpEmailProvider } from './email-smtp/index.ts';
import { outboxProvider } from './outbox.ts';
import { webPushProvider } from './push-webpush/index.ts';
import { redactUrl } from './redact.ts';
import { twilioSmsProvider } from './sms-twilio/index.ts';
import type { Channel, DeliveryProvider } from './types.ts';
import { webhookProvider } from './webhook/index.ts';

export const DEFAULT_EMAIL_FROM = 'Itinera <no-reply@localhost>';

type Env = Record<string, string | undefined>;

/**
 * One provider per channel, chosen by environment variables; a channel whose vendor is not
 * configured records its messages in the Mongo outbox instead.
 *
 *   email   SMTP_URL (+ EMAIL_FROM)                                  else outbox
 *   sms     TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM (+ TWILIO_BASE_URL,
 *           TWILIO_STATUS_CALLBACK_URL for delivery receipts)                 else outbox
 *   push    VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT       else outbox
 *   webhook always HTTP, signed when WEBHOOK_SIGNING_SECRET is set
 *
 * A vendor configured only in part is an error (naming the missing variables, never values), so a
 * typo cannot silently divert real messages into the outbox.
 */
export function providersFromEnv(env: Env, db: Db): Record<Channel, DeliveryProvider> {
  const outbox = outboxProvider(db);
  const smtpUrl = read(env, 'SMTP_URL');
  const twilio = group(env, 'SMS (Twilio)', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']);
  const vapid = group(env, 'push (Web Push)', ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']);
  return {
    email: smtpUrl
      ? smtpEmailProvider({
          url: checkedUrl(smtpUrl, 'SMTP_URL'),
          from: read(env, 'EMAIL_FROM') ?? DEFAULT_EMAIL_FROM,
        })
      : outbox,
    sms: twilio
      ? twilioSmsProvider({
          accountSid: twilio.TWILIO_ACCOUNT_SID,
          authToken: twilio.TWILIO_AUTH_TOKEN,
          from: twilio.TWILIO_FROM,
          baseUrl: read(env, 'TWILIO_BASE_URL'),
          statusCallbackUrl: read(env, 'TWILIO_STATUS_CALLBACK_URL'),
        })
      : outbox,
    push: vapid
      ? webPushProvider({
          vapidPublicKey: vapid.VAPID_PUBLIC_KEY,
          vapidPrivateKey: vapid.VAPID_PRIVATE_KEY,
          subject: vapid.VAPID_SUBJECT,
        })
      : outbox,
    webhook: webhookProvider({ signingSecret: read(env, 'WEBHOOK_SIGNING_SECRET') }),
  };
}

/** A loggable line such as `email=smtp sms=outbox push=webpush webhook=webhook (signed)`; no secrets. */
export function describeProviders(providers: Record<Channel, DeliveryProvider>, env: Env = {}): string {
  const signed = read(env, 'WEBHOOK_SIGNING_SECRET') ? ' (signed)' : '';
  return (Object.keys(providers) as Channel[])
    .map((channel) => `${channel}=${providers[channel].name}${channel === 'webhook' ? signed : ''}`)
    .join(' ');
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function group<K extends string>(env: Env, what: string, names: K[]): Record<K, string> | undefined {
  const values = Object.fromEntries(names.map((name) => [name, read(env, name)])) as Record<
    K,
    string | undefined
  >;
  const missing = names.filter((name) => values[name] === undefined);
  if (missing.length === names.length) return undefined;
  if (missing.length > 0)
    throw new Error(`${what} is partly configured: set ${missing.join(', ')} too, or none of them`);
  return values as Record<K, string>;
}

function checkedUrl(url: string, name: string): string {
  if (!/^smtps?:\/\//i.test(url))
    throw new Error(`${name} must start with smtp:// or smtps:// (got ${redactUrl(url)})`);
  return url;
}
