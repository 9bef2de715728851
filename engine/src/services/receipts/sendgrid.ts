import { createPublicKey, verify } from 'node:crypto';
import { HttpError } from '../../plugins/errors.ts';
import type { Receipt } from './types.ts';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * SendGrid's Signed Event Webhook: an ECDSA (P-256, SHA-256) signature of the timestamp header followed
 * by the raw body, checked with the verification key shown in SendGrid's settings (base64 DER).
 */
export function verifySendgridSignature(
  publicKeyBase64: string,
  rawBody: string,
  signature: string | undefined,
  timestamp: string | undefined,
): boolean {
  if (!signature || !timestamp) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    return verify('sha256', Buffer.from(timestamp + rawBody), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The Message-ID the SMTP provider set, as SendGrid echoes it in `smtp-id` (angle brackets kept). */
const messageId = (value: string) => (value.startsWith('<') ? value : `<${value}>`);

/**
 * Receipts from an Event Webhook batch. Delivered, bounce (`type: blocked` is a soft bounce, anything
 * else hard), dropped and spamreport are recorded; opens, clicks and the rest Itinera tracks itself.
 * Every event is checked before any is used, so a bad one refuses the batch, naming it.
 */
export function parseSendgridEvents(body: unknown, nowIso: string): (Receipt | null)[] {
  if (!Array.isArray(body)) throw new HttpError(400, 'The body must be a JSON array of events', 'body');
  return body.map((event, i) => {
    const field = (name: string) => `[${i}].${name}`;
    if (!event || typeof event !== 'object' || Array.isArray(event))
      throw new HttpError(400, `Event ${i} must be an object`, `[${i}]`);
    const e = event as Record<string, unknown>;
    if (typeof e.event !== 'string' || !e.event)
      throw new HttpError(400, `Event ${i} has no event type`, field('event'));
    const id = e['smtp-id'] ?? e.sg_message_id;
    if (typeof id !== 'string' || !id || id.length > 512)
      throw new HttpError(400, `Event ${i} has no smtp-id (the Message-ID)`, field('smtp-id'));
    if (e.timestamp !== undefined && !(typeof e.timestamp === 'number' && Number.isFinite(e.timestamp)))
      throw new HttpError(400, `Event ${i}: timestamp must be Unix seconds`, field('timestamp'));
    const at = typeof e.timestamp === 'number' ? new Date(e.timestamp * 1000).toISOString() : nowIso;
    const base = {
      provider: 'sendgrid' as const,
      providerMessageId: typeof e['smtp-id'] === 'string' ? messageId(e['smtp-id']) : id,
      providerStatus: e.event,
      at,
    };
    const reason = typeof e.reason === 'string' ? e.reason.slice(0, 200) : undefined;
    switch (e.event) {
      case 'delivered':
        return { ...base, status: 'delivered' };
      case 'bounce':
        return e.type === 'blocked'
          ? { ...base, providerStatus: 'bounce/blocked', status: 'soft_bounce', reason }
          : { ...base, status: 'hard_bounce', reason, suppress: 'hard_bounce' };
      case 'dropped':
        return { ...base, status: 'undelivered', reason };
      case 'spamreport':
        return { ...base, status: 'complaint', reason: 'spam report', suppress: 'complaint' };
      default:
        return null;
    }
  });
}
