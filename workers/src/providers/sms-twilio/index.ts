import { describeFetchError } from '../redact.ts';
import { type DeliveryProvider, PermanentDeliveryError } from '../types.ts';

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  /** Sender: an E.164 number, alphanumeric sender id or `MG…` messaging service sid. */
  from: string;
  /** Overridable for regional edges and tests. */
  baseUrl?: string;
  /** Upper bound for one request; keep it under the activity heartbeat timeout. Default 15 s. */
  timeoutMs?: number;
  /** Where Twilio posts delivery receipts (`StatusCallback`): the API's `/receipts/twilio`. */
  statusCallbackUrl?: string;
}

interface TwilioErrorBody {
  code?: number;
  message?: string;
}

/** SMS through Twilio's Messages API; the idempotency key rides in `I-Twilio-Idempotency-Token`. */
export function twilioSmsProvider(options: TwilioSmsOptions): DeliveryProvider {
  const baseUrl = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const endpoint = `${baseUrl}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  return {
    name: 'twilio',
    async send(message, { idempotencyKey }) {
      const form = new URLSearchParams({ To: message.to, From: options.from, Body: message.body });
      if (options.statusCallbackUrl) form.set('StatusCallback', options.statusCallbackUrl);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            'I-Twilio-Idempotency-Token': idempotencyKey,
          },
          body: form,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        throw new Error(
          `Twilio unreachable for SMS to ${message.to}: ${describeFetchError(error, [options.authToken])}`,
        );
      }
      const text = await response.text();
      const body = parseJson(text);
      if (response.ok) {
        const sid = typeof body?.sid === 'string' ? body.sid : idempotencyKey;
        return { providerMessageId: sid, response: { sid, status: body?.status } };
      }
      const detail = describeTwilioError(body as TwilioErrorBody | undefined, text);
      if (response.status === 429 || response.status === 408 || response.status >= 500) {
        throw new Error(`Twilio answered ${response.status} for SMS to ${message.to}: ${detail}`);
      }
      throw new PermanentDeliveryError(`Twilio refused SMS to ${message.to} (${response.status}): ${detail}`);
    },
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

function describeTwilioError(body: TwilioErrorBody | undefined, text: string): string {
  if (body?.message || body?.code) {
    return `${body.message ?? 'error'}${body.code === undefined ? '' : ` (code ${body.code})`}`;
  }
  return text.slice(0, 200) || 'no details';
}
