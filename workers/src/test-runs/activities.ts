import { COLLECTIONS, type CustomerEvent, encodeStored } from '@itinera/schemas';
import type { Db } from 'mongodb';

export interface TestRunActivities {
  recordTestEvent(event: CustomerEvent): Promise<void>;
  shiftHistory(input: { customerId: string; deltaMs: number }): Promise<void>;
}

/** What the test-run workflow calls besides the journey's own activities; `db` is the sandbox. */
export function testRunActivities(db: Db): TestRunActivities {
  const events = db.collection(COLLECTIONS.events);
  const slots = db.collection(COLLECTIONS.capSlots);
  return {
    /**
     * Moves the copied history (events, held frequency-cap slots) onto the simulated clock, so "in the last
     * 30 days" and cap windows see it as they would now. Each document is moved once, whatever the retries.
     */
    async shiftHistory({ customerId, deltaMs }) {
      const unshifted = { customerId, shifted: { $ne: true } };
      for (const e of await events.find(unshifted, { projection: { timestamp: 1 } }).toArray()) {
        const timestamp = new Date(Date.parse(e.timestamp) + deltaMs).toISOString();
        await events.updateOne(
          { _id: e._id, shifted: { $ne: true } },
          { $set: { timestamp, shifted: true } },
        );
      }
      for (const slot of await slots.find(unshifted, { projection: { at: 1 } }).toArray())
        await slots.updateOne(
          { _id: slot._id, shifted: { $ne: true } },
          { $set: { at: slot.at + deltaMs, shifted: true } },
        );
    },

    /** Scenario events join the sandbox's event history, so event-count conditions see them. */
    async recordTestEvent({ messageId, ...event }) {
      await events.updateOne(
        { _id: messageId as never },
        {
          $setOnInsert: {
            ...event,
            type: 'track',
            shifted: true,
            properties: encodeStored(event.properties, 'properties') ?? {},
          },
        },
        { upsert: true },
      );
    },
  };
}
