export type Channel = 'email' | 'sms' | 'push' | 'webhook';

export interface RenderedMessage {
  channel: Channel;
  to: string;
  subject?: string;
  body: string;
  /** Plain-text alternative for email; derived from the HTML body when absent. */
  text?: string;
  method?: string;
  headers?: Record<string, string>;
  customerId: string;
  journeyId: string;
  nodeId: string;
  enrollmentId: string;
  /** A test send to a tester's address (the outbox stores it marked). */
  test?: true;
  /** One-click unsubscribe link for this recipient; email providers send it as `List-Unsubscribe`. */
  unsubscribeUrl?: string;
}

export interface DeliveryReceipt {
  providerMessageId: string;
  response?: unknown;
}

/** One delivery channel's vendor. Throw `PermanentDeliveryError` for failures a retry cannot fix. */
export interface DeliveryProvider {
  name: string;
  send(message: RenderedMessage, options: { idempotencyKey: string }): Promise<DeliveryReceipt>;
}

export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
