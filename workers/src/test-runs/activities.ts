import { COLLECTIONS, type CustomerEvent, encodeStored } from '@itinera/schemas';
import type { Db } from 'mongodb';

export interface TestRunActivities {
  recordTestEvent(event: CustomerEvent): Promise<void>;
}

/** What the test-run workflow calls besides the journey's own activities; `db` is the sandbox. */
export function testRunActivities(db: Db): TestRunActivities {
  const events = db.collection(COLLECTIONS.events);
  return {
    /** Scenario events join the sandbox's event history, so event-count conditions see them. */
    async recordTestEvent({ messageId, ...event }) {
      await events.updateOne(
        { _id: messageId as never },
        {
          $setOnInsert: {
            ...event,
            type: 'track',
            properties: encodeStored(event.properties, 'properties') ?? {},
          },
        },
        { upsert: true },
      );
    },
  };
}
