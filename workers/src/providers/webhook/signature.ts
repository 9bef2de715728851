import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, in the scheme Stripe popularised:
 *
 *   X-Itinera-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the timestamp, a dot and the exact bytes of the body it
 * received, compares in constant time, and rejects timestamps outside its tolerance so a captured
 * request cannot be replayed later. Several `v1=` entries may appear (e.g. during secret rotation);
 * any one matching is enough.
 */
export const SIGNATURE_HEADER = 'X-Itinera-Signature';

export function signWebhookBody(secret: string, body: string, timestampSec: number): string {
  return createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex');
}

/** The header value for a body sent now (or at `nowMs`). */
export function webhookSignatureHeader(secret: string, body: string, nowMs = Date.now()): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${signWebhookBody(secret, body, timestamp)}`;
}

/** True when `header` carries a valid signature of `body` made within `toleranceSec` of now. */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSec = 300,
  nowMs = Date.now(),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && /^\d+$/.test(value ?? '')) timestamp = Number(value);
    else if (key === 'v1' && value) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(signWebhookBody(secret, body, timestamp), 'hex');
  return candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
