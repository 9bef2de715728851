import {
  type Channel,
  capAllowance,
  capReleaseAt,
  type FrequencyCap,
  type LoggedSend,
} from '@itinera/nodes/send';
import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

interface SlotDoc {
  /** `${customerId}|${channel}|${windowHours}h|${bucket}|${n}`: slot n of one cap window of one customer. */
  _id: string;
  customerId: string;
  channel: Channel;
  /** The send (idempotency key) holding the slot. */
  key: string;
  at: number;
}

export type CapDecision = { ok: true } | { ok: false; cap: FrequencyCap; releaseAt: number };

/**
 * Frequency caps as one document per slot. A send first checks the sliding window against the slots other sends
 * hold (exact when one customer's sends do not race), then claims one of the cap's slots in the current fixed
 * window by unique insert. The insert decides races between workers, on MongoDB and on FerretDB alike: however
 * many run at once, no fixed window ever holds more than `max` sends of one channel.
 */
export function capSlots(db: Db) {
  const slots = db.collection<SlotDoc>(COLLECTIONS.capSlots);

  const recent = async (customerId: string, channel: Channel, key: string, sinceMs: number) => {
    const docs = await slots.find({ customerId, channel, at: { $gt: sinceMs } }).toArray();
    const byKey = new Map<string, LoggedSend>();
    for (const doc of docs) if (doc.key !== key) byKey.set(doc.key, { channel, at: doc.at });
    return [...byKey.values()];
  };

  /** Takes a free slot of the window, or finds the one this send already holds (a retried activity). */
  const claimIn = async (id: string, doc: Omit<SlotDoc, '_id'>, allowed: number) => {
    for (let n = 0; n < allowed; n++) {
      try {
        await slots.insertOne({ _id: `${id}|${n}`, ...doc });
        return true;
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        if ((await slots.findOne({ _id: `${id}|${n}` }))?.key === doc.key) return true;
      }
    }
    return false;
  };

  const release = (customerId: string, key: string) => slots.deleteMany({ customerId, key });

  return {
    async claim(input: {
      customerId: string;
      channel: Channel;
      key: string;
      nowMs: number;
      caps: FrequencyCap[];
      priority?: number;
    }): Promise<CapDecision> {
      const { customerId, channel, key, nowMs } = input;
      const longest = Math.max(...input.caps.map((cap) => cap.windowHours)) * 3_600_000;
      const others = await recent(customerId, channel, key, nowMs - longest);
      for (const cap of input.caps) {
        const releaseAt = capReleaseAt(nowMs, others, cap, input.priority);
        if (releaseAt !== null) {
          await release(customerId, key);
          return { ok: false, cap, releaseAt };
        }
        const windowMs = cap.windowHours * 3_600_000;
        const bucket = Math.floor(nowMs / windowMs);
        const id = `${customerId}|${channel}|${cap.windowHours}h|${bucket}`;
        if (
          !(await claimIn(id, { customerId, channel, key, at: nowMs }, capAllowance(cap, input.priority)))
        ) {
          await release(customerId, key);
          return { ok: false, cap, releaseAt: (bucket + 1) * windowMs };
        }
      }
      return { ok: true };
    },
    /** Gives back the slots of a send that did not go out after all. */
    release,
  };
}
