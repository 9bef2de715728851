import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

interface SlotDoc {
  /** `${journeyId}#${n}`: slot n of the journey's entry limit. */
  _id: string;
  journeyId: string;
  /** Unique: an enrollment holds at most one slot, so a retried or racing entry cannot take a second one. */
  enrollmentId: string;
  triggerMessageId: string;
  at: string;
}

export type SlotClaim = 'claimed' | 'full' | 'taken';

/**
 * Entry limits as one document per admitted customer: slot n of a journey is claimed by inserting
 * `${journeyId}#${n}`, so the unique `_id` decides every race, on MongoDB and on FerretDB alike. Slots are never
 * given back, so the first free slot is always the number already taken.
 */
export function entrySlots(db: Db) {
  const slots = db.collection<SlotDoc>(COLLECTIONS.entrySlots);
  /** Where this process starts looking: only a shortcut, since the insert decides. */
  const nextFree = new Map<string, number>();

  const startAt = async (journeyId: string) =>
    nextFree.get(journeyId) ?? (await slots.countDocuments({ journeyId }));

  return {
    /**
     * Claims a slot for the enrollment: `taken` when another trigger already holds the enrollment's slot
     * (the customer entered concurrently), `full` when all `limit` slots are held.
     */
    async claim(
      journeyId: string,
      limit: number,
      enrollmentId: string,
      triggerMessageId: string,
    ): Promise<SlotClaim> {
      for (let n = await startAt(journeyId); n < limit; n++) {
        try {
          await slots.insertOne({
            _id: `${journeyId}#${n}`,
            journeyId,
            enrollmentId,
            triggerMessageId,
            at: new Date().toISOString(),
          });
          nextFree.set(journeyId, Math.max(nextFree.get(journeyId) ?? 0, n + 1));
          return 'claimed';
        } catch (error) {
          if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
          const mine = await slots.findOne({ enrollmentId });
          if (mine) return mine.triggerMessageId === triggerMessageId ? 'claimed' : 'taken';
          nextFree.set(journeyId, Math.max(nextFree.get(journeyId) ?? 0, n + 1));
        }
      }
      // A retry of an entry that claimed the last slot before it crashed still holds it.
      const mine = await slots.findOne({ enrollmentId });
      if (mine) return mine.triggerMessageId === triggerMessageId ? 'claimed' : 'taken';
      return 'full';
    },
  };
}
