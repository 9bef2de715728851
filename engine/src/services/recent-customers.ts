import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;
/** Enough that two of the 100 most recent customers rarely share a slot; few enough to read them all at once. */
export const RECENT_SLOTS = 2048;

interface SlotDoc {
  _id: number;
  customerId: string;
  at: string;
}

/** FNV-1a: a stable, well-spread slot per customer id, the same in every process. */
function slotOf(customerId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < customerId.length; i++) {
    hash ^= customerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % RECENT_SLOTS;
}

/**
 * The most recently changed profiles without sorting every profile: FerretDB pushes no sort, range or
 * filtered limit down to its backend, so a sorted page reads the whole collection (3.1 s at 100k profiles).
 * Instead a fixed set of slot documents (a hash of the customer id picks the slot) each names the last
 * customer whose profile changed in it; the list reads every slot, a bounded, cheap read on any store.
 * A customer is missing from it only while a more recent customer holds its slot.
 */
export function recentCustomers(db: Db) {
  const slots = db.collection<SlotDoc>(COLLECTIONS.recentCustomers);
  return {
    /** Names the customer in its slot unless a later change already holds it; racing writers keep the later. */
    async touch(customerId: string, at: string): Promise<void> {
      try {
        await slots.updateOne(
          { _id: slotOf(customerId), at: { $lt: at } },
          { $set: { customerId, at } },
          { upsert: true },
        );
      } catch (error) {
        // the slot exists with a change as late or later (the upsert's insert met its `_id`)
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    },
    /** Up to `limit` customer ids, the most recently changed first. */
    async latest(limit: number): Promise<string[]> {
      const all = await slots.find({}).toArray();
      return all
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
        .slice(0, limit)
        .map((slot) => slot.customerId);
    },
  };
}
