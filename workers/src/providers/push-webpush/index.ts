import { createHash } from 'node:crypto';
import webPush, { type PushSubscription } from 'web-push';
import { describeFetchError, redactUrl, urlSecrets } from '../redact.ts';
import { type DeliveryProvider, PermanentDeliveryError } from '../types.ts';

export interface WebPushOptions {
  vapidPublicKey: string;
  vapidPrivateKey: string;
  /** `mailto:` or `https:` contact the push services can reach the sender at. */
  subject: string;
  /** How long the push service keeps an undelivered notification. Default one day. */
  ttlSeconds?: number;
  /** Upper bound for one request; keep it under the activity heartbeat timeout. Default 15 s. */
  timeoutMs?: number;
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291).
 * `message.to` is the browser's PushSubscription as JSON; the payload is `{ title, body }`.
 * web-push encrypts and signs; the request itself goes out through fetch so it honours a timeout
 * and works with any endpoint scheme. The `Topic` header, derived from the idempotency key, makes a
 * retried notification replace a still-undelivered earlier copy instead of showing twice.
 */
export function webPushProvider(options: WebPushOptions): DeliveryProvider {
  const vapidDetails = {
    subject: options.subject,
    publicKey: options.vapidPublicKey,
    privateKey: options.vapidPrivateKey,
  };
  // Fails fast on a malformed subject or key pair instead of on every send.
  webPush.getVapidHeaders(
    'https://push.invalid',
    vapidDetails.subject,
    vapidDetails.publicKey,
    vapidDetails.privateKey,
    'aes128gcm',
  );

  return {
    name: 'webpush',
    async send(message, { idempotencyKey }) {
      const subscription = parseSubscription(message.to);
      const endpoint = redactUrl(subscription.endpoint);
      const payload = JSON.stringify({ title: message.subject ?? '', body: message.body });
      let request: ReturnType<typeof webPush.generateRequestDetails>;
      try {
        request = webPush.generateRequestDetails(subscription, payload, {
          vapidDetails,
          TTL: options.ttlSeconds ?? 86_400,
          contentEncoding: 'aes128gcm',
          topic: topicFor(idempotencyKey),
        });
      } catch (error) {
        throw new PermanentDeliveryError(
          `Push subscription for ${endpoint} is unusable: ${(error as Error).message}`,
        );
      }
      let response: Response;
      try {
        response = await fetch(request.endpoint, {
          method: request.method,
          headers: fetchHeaders(request.headers),
          body: request.body ? new Uint8Array(request.body) : undefined,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new Error(
          `Push service ${endpoint} unreachable: ${describeFetchError(error, urlSecrets(subscription.endpoint))}`,
        );
      }
      const text = (await response.text()).slice(0, 200);
      if (response.ok) {
        return {
          providerMessageId: response.headers.get('location') ?? idempotencyKey,
          response: { status: response.status },
        };
      }
      if (response.status === 404 || response.status === 410) {
        throw new PermanentDeliveryError(`Push subscription expired (${response.status} from ${endpoint})`);
      }
      if (response.status === 429 || response.status >= 500) {
        throw new Error(`Push service ${endpoint} answered ${response.status}: ${text}`);
      }
      throw new PermanentDeliveryError(`Push service ${endpoint} refused with ${response.status}: ${text}`);
    },
  };
}

function parseSubscription(to: string): PushSubscription {
  let value: unknown;
  try {
    value = JSON.parse(to);
  } catch {
    throw new PermanentDeliveryError('Push address is not a JSON PushSubscription');
  }
  const candidate = value as Partial<PushSubscription> | null;
  if (
    typeof candidate?.endpoint !== 'string' ||
    typeof candidate.keys?.p256dh !== 'string' ||
    typeof candidate.keys?.auth !== 'string'
  ) {
    throw new PermanentDeliveryError('Push address lacks endpoint, keys.p256dh or keys.auth');
  }
  return candidate as PushSubscription;
}

/** RFC 8030 topics are at most 32 URL-safe base64 characters. */
function topicFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32);
}

function fetchHeaders(headers: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // fetch computes Content-Length from the body itself.
    if (name.toLowerCase() !== 'content-length' && value !== undefined) result[name] = String(value);
  }
  return result;
}
