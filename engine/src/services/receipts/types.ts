import type { SuppressionKind } from '@itinera/nodes/send';
import type { ReceiptStatus } from '@itinera/schemas';

export type ReceiptProvider = 'twilio' | 'sendgrid' | 'ses';

/** One provider receipt, normalised: what happened to which message. */
export interface Receipt {
  provider: ReceiptProvider;
  /** The id the delivery layer stored at send time (Twilio's MessageSid, the email's Message-ID). */
  providerMessageId: string;
  status: ReceiptStatus;
  /** The provider's own word for it, e.g. `undelivered` or `bounce/blocked`. */
  providerStatus: string;
  /** Provider error code or bounce classification; never the message content. */
  reason?: string;
  /** Set when the address must not be used again. */
  suppress?: SuppressionKind;
  /** When the provider says it happened (else when it was received). */
  at: string;
}

export const CHANNEL_OF: Record<ReceiptProvider, 'email' | 'sms'> = {
  twilio: 'sms',
  sendgrid: 'email',
  ses: 'email',
};
