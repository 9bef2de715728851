import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from '../../plugins/errors.ts';
import type { Receipt } from './types.ts';

/**
 * Twilio error codes after which the number will never receive an SMS: unknown or unreachable
 * destination, landline, invalid number, and the recipient having replied STOP (21610).
 */
const DEAD_NUMBER = new Set(['21211', '21612', '21614', '30005', '30006']);
const OPTED_OUT = '21610';

/** Twilio's `X-Twilio-Signature`: HMAC-SHA1 of the URL followed by every parameter, sorted, as key+value. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A status callback's receipt, or null for statuses on the way (queued, sent, ...). Delivered and the
 * final failures are recorded; a failure code saying the number is dead suppresses it.
 */
export function parseTwilioStatus(params: Record<string, string>, nowIso: string): Receipt | null {
  const sid = params.MessageSid ?? params.SmsSid;
  if (!sid || sid.length > 64) throw new HttpError(400, 'MessageSid is missing or too long', 'MessageSid');
  const status = params.MessageStatus ?? params.SmsStatus;
  if (!status || !/^[a-z_]{1,32}$/.test(status))
    throw new HttpError(400, 'MessageStatus is missing or not a Twilio status', 'MessageStatus');
  const code = params.ErrorCode;
  if (code !== undefined && !/^\d{0,6}$/.test(code))
    throw new HttpError(400, 'ErrorCode must be a number', 'ErrorCode');
  const base = { provider: 'twilio' as const, providerMessageId: sid, providerStatus: status, at: nowIso };
  if (status === 'delivered' || status === 'read') return { ...base, status: 'delivered' };
  if (status !== 'undelivered' && status !== 'failed') return null;
  const suppress = !code
    ? undefined
    : code === OPTED_OUT
      ? 'complaint'
      : DEAD_NUMBER.has(code)
        ? 'hard_bounce'
        : undefined;
  return { ...base, status: 'undelivered', reason: code ? `error ${code}` : status, suppress };
}
