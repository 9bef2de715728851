import { randomUUID } from 'node:crypto';
import { type Subscriptions, subscriptionStore } from '@itinera/nodes/send';
import { CONSENT_CHANGED_EVENT } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { IngestionService } from './ingestion.ts';

/**
 * Changes of consent, each recorded as a `consent_changed` event whose routing marker is stored before the
 * write: the segments reading consent re-evaluate in the request, or, if the process dies after the write,
 * when the sweeper routes the event. A retry re-evaluates under the same cause (the event id), so each
 * membership change is recorded once.
 */
export function consentChanges(db: Db, ingestion: IngestionService) {
  const subscriptions = subscriptionStore(db);
  const record = (customerId: string, change: Subscriptions, write: () => Promise<void>) =>
    ingestion.acceptWith(
      {
        type: 'track',
        userId: customerId,
        event: CONSENT_CHANGED_EVENT,
        messageId: `consent:${randomUUID()}`,
        properties: change as Record<string, unknown>,
      },
      write,
    );
  return {
    update: (customerId: string, change: Subscriptions) =>
      record(customerId, change, () => subscriptions.update(customerId, change)),
    /** An unsubscribe link: the topic when it names one, else the channel (email by default). */
    unsubscribe(customerId: string, what: { channel?: string; topic?: string }) {
      const change: Subscriptions = what.topic
        ? { topics: { [what.topic]: false } }
        : { channels: { [what.channel ?? 'email']: false } };
      return record(customerId, change, () => subscriptions.unsubscribe(customerId, what));
    },
  };
}
