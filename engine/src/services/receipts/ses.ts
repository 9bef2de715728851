import { HttpError } from '../../plugins/errors.ts';
import type { Receipt } from './types.ts';

/** Only SNS itself may be asked to confirm a subscription. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

export type SnsMessage =
  | { kind: 'confirm'; subscribeUrl: string }
  | { kind: 'receipt'; receipt: Receipt | null }
  | { kind: 'other' };

const object = (value: unknown, field: string): Record<string, unknown> => {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new HttpError(400, `${field} must be an object`, field);
  return value as Record<string, unknown>;
};

/** The Message-ID header SES was given (our SMTP provider's), else SES's own message id. */
function messageIdOf(mail: Record<string, unknown>): string {
  const common = mail.commonHeaders as Record<string, unknown> | undefined;
  const headers = Array.isArray(mail.headers) ? (mail.headers as { name?: string; value?: string }[]) : [];
  const header = headers.find((h) => h.name?.toLowerCase() === 'message-id')?.value;
  const id = (typeof common?.messageId === 'string' && common.messageId) || header || mail.messageId;
  if (typeof id !== 'string' || !id || id.length > 512)
    throw new HttpError(400, 'The notification names no message id', 'Message.mail.messageId');
  return id.startsWith('<') || !id.includes('@') ? id : `<${id}>`;
}

/**
 * An Amazon SNS post carrying an SES notification (or event): Bounce (Permanent is hard, else soft),
 * Complaint and Delivery are receipts; a SubscriptionConfirmation asks to be confirmed.
 */
export function parseSnsPost(body: unknown, nowIso: string): SnsMessage {
  const sns = object(body, 'body');
  if (sns.Type === 'SubscriptionConfirmation') {
    const url = typeof sns.SubscribeURL === 'string' ? URL.parse(sns.SubscribeURL) : null;
    if (url?.protocol !== 'https:' || !SNS_HOST.test(url.hostname))
      throw new HttpError(400, 'SubscribeURL must be an https URL of Amazon SNS', 'SubscribeURL');
    return { kind: 'confirm', subscribeUrl: url.href };
  }
  if (sns.Type !== 'Notification') return { kind: 'other' };
  if (typeof sns.Message !== 'string') throw new HttpError(400, 'Message must be a JSON string', 'Message');
  let message: Record<string, unknown>;
  try {
    message = object(JSON.parse(sns.Message), 'Message');
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'Message is not valid JSON', 'Message');
  }
  const type = message.notificationType ?? message.eventType;
  if (type !== 'Bounce' && type !== 'Complaint' && type !== 'Delivery')
    return { kind: 'receipt', receipt: null };
  const mail = object(message.mail, 'Message.mail');
  const base = { provider: 'ses' as const, providerMessageId: messageIdOf(mail), providerStatus: type };
  if (type === 'Delivery') {
    const delivery = message.delivery as { timestamp?: string } | undefined;
    return { kind: 'receipt', receipt: { ...base, status: 'delivered', at: delivery?.timestamp ?? nowIso } };
  }
  if (type === 'Complaint') {
    const complaint = object(message.complaint, 'Message.complaint');
    const feedback =
      typeof complaint.complaintFeedbackType === 'string' ? complaint.complaintFeedbackType : 'complaint';
    const at = typeof complaint.timestamp === 'string' ? complaint.timestamp : nowIso;
    return {
      kind: 'receipt',
      receipt: { ...base, status: 'complaint', reason: feedback, suppress: 'complaint', at },
    };
  }
  const bounce = object(message.bounce, 'Message.bounce');
  const reason = [bounce.bounceType, bounce.bounceSubType].filter((p) => typeof p === 'string').join('/');
  const at = typeof bounce.timestamp === 'string' ? bounce.timestamp : nowIso;
  const receipt: Receipt =
    bounce.bounceType === 'Permanent'
      ? { ...base, status: 'hard_bounce', reason, suppress: 'hard_bounce', at }
      : { ...base, status: 'soft_bounce', reason, at };
  return { kind: 'receipt', receipt };
}
