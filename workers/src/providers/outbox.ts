import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
import type { DeliveryProvider } from './types.ts';

const DUPLICATE_KEY = 11000;

/** Embedded default: records each rendered message in Mongo, keyed by its idempotency key. */
export function outboxProvider(db: Db): DeliveryProvider {
  const messages = db.collection(COLLECTIONS.messages);
  return {
    name: 'outbox',
    async send(message, { idempotencyKey }) {
      try {
        await messages.insertOne({
          _id: idempotencyKey as never,
          ...message,
          sentAt: new Date().toISOString(),
        });
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
      return { providerMessageId: idempotencyKey };
    },
  };
}
