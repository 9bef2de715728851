import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;
/** Lease documents of this many past periods are kept (they only show who held what). */
const KEEP_PERIODS = 20;

/**
 * Time-bucketed leases: the holder of `name` for the period [b·periodMs, (b+1)·periodMs) is whoever inserted
 * `${name}:${b}` first. A unique insert decides it, so this holds on MongoDB and on FerretDB. A holder that dies
 * is replaced at the next period, when another process claims the next bucket. Assumes process clocks agree to
 * well within one period.
 */
export function leases(db: Db) {
  const docs = db.collection<{ _id: string; name: string; bucket: number; holder: string; at: string }>(
    COLLECTIONS.leases,
  );
  return {
    /** Claims the current period's lease; returns when it lapses (epoch ms), or null when another holds it. */
    async claim(name: string, periodMs: number, holder: string, nowMs = Date.now()): Promise<number | null> {
      const bucket = Math.floor(nowMs / periodMs);
      try {
        await docs.insertOne({
          _id: `${name}:${bucket}`,
          name,
          bucket,
          holder,
          at: new Date(nowMs).toISOString(),
        });
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return null;
        throw error;
      }
      await docs.deleteMany({ name, bucket: { $lt: bucket - KEEP_PERIODS } });
      return (bucket + 1) * periodMs;
    },
  };
}
