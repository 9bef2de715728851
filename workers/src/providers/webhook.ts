import { type DeliveryProvider, PermanentDeliveryError } from './types.ts';

const MAX_CAPTURED_BYTES = 16_384;

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, MAX_CAPTURED_BYTES);
  }
}

/** Real HTTP delivery; the idempotency key travels as a header so the receiver can drop repeats. */
export function webhookProvider(options: { timeoutMs?: number } = {}): DeliveryProvider {
  return {
    name: 'webhook',
    async send(message, { idempotencyKey }) {
      const isJson = parseBody(message.body) !== message.body;
      let response: Response;
      try {
        response = await fetch(message.to, {
          method: message.method ?? 'POST',
          headers: {
            'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8',
            'idempotency-key': idempotencyKey,
            'user-agent': 'Itinera-Webhook/0.1',
            ...message.headers,
          },
          body: message.body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new Error(`Webhook ${message.to} unreachable: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (response.status >= 500 || response.status === 429) {
        throw new Error(`Webhook ${message.to} answered ${response.status}`);
      }
      if (response.status >= 400) {
        throw new PermanentDeliveryError(
          `Webhook ${message.to} refused with ${response.status}: ${text.slice(0, 200)}`,
        );
      }
      return {
        providerMessageId: response.headers.get('x-request-id') ?? idempotencyKey,
        response: parseBody(text),
      };
    },
  };
}
