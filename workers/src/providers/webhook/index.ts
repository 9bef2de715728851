import { describeFetchError, redactUrl, urlSecrets } from '../redact.ts';
import { type DeliveryProvider, PermanentDeliveryError } from '../types.ts';
import { SIGNATURE_HEADER, webhookSignatureHeader } from './signature.ts';

export {
  SIGNATURE_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
  webhookSignatureHeader,
} from './signature.ts';

const MAX_CAPTURED_BYTES = 16_384;

export interface WebhookOptions {
  /** When set, every request carries `X-Itinera-Signature` (see signature.ts for the scheme). */
  signingSecret?: string;
  /** Upper bound for one request. Default 15 s. */
  timeoutMs?: number;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, MAX_CAPTURED_BYTES);
  }
}

/** Real HTTP delivery; the idempotency key travels as a header so the receiver can drop repeats. */
export function webhookProvider(options: WebhookOptions = {}): DeliveryProvider {
  return {
    name: 'webhook',
    async send(message, { idempotencyKey }) {
      const target = redactUrl(message.to);
      const { url, authorization } = splitCredentials(message.to);
      const isJson = parseBody(message.body) !== message.body;
      const headers: Record<string, string> = {
        'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8',
        'idempotency-key': idempotencyKey,
        'user-agent': 'Itinera-Webhook/0.1',
        ...(authorization ? { authorization } : {}),
        ...message.headers,
      };
      // Set last so a journey's own headers cannot replace or accompany the signature.
      if (options.signingSecret) {
        for (const name of Object.keys(headers)) {
          if (name.toLowerCase() === SIGNATURE_HEADER.toLowerCase()) delete headers[name];
        }
        headers[SIGNATURE_HEADER] = webhookSignatureHeader(options.signingSecret, message.body);
      }
      let response: Response;
      try {
        const method = message.method ?? 'POST';
        response = await fetch(url, {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : message.body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new Error(
          `Webhook ${target} unreachable: ${describeFetchError(error, urlSecrets(message.to))}`,
        );
      }
      const text = await response.text();
      if (response.status >= 500 || response.status === 429) {
        throw new Error(`Webhook ${target} answered ${response.status}`);
      }
      if (response.status >= 400) {
        throw new PermanentDeliveryError(
          `Webhook ${target} refused with ${response.status}: ${text.slice(0, 200)}`,
        );
      }
      return {
        providerMessageId: response.headers.get('x-request-id') ?? idempotencyKey,
        // The reply travels in workflow history and journey context: a long one keeps only its first 16 KB.
        response: text.length > MAX_CAPTURED_BYTES ? text.slice(0, MAX_CAPTURED_BYTES) : parseBody(text),
      };
    },
  };
}

/** fetch refuses `https://user:pass@host` URLs; their userinfo becomes a Basic authorization header. */
function splitCredentials(raw: string): { url: string; authorization?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: raw };
  }
  if (!url.username && !url.password) return { url: raw };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
