import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
import { HOUR_MS, isoHour } from './rows.ts';

const STAMPS = 'hourStamps';
const DUPLICATE_KEY = 11000;
/**
 * After an upgrade, processes of the older release may still write facts without hour stamps for a while
 * (a rolling deploy): hours before this margin has passed keep being read by time.
 */
export const STAMP_MARGIN_MS = 6 * HOUR_MS;

/**
 * The first hour whose facts all carry hour stamps (schemas/src/fold-key.ts), fixed by the first fold
 * of this release: a store an older release already folded holds unstamped facts, so its stamped hours
 * begin STAMP_MARGIN_MS later; a new store's begin at once.
 */
export async function stampedFrom(db: Db, foldedBefore: boolean, nowMs = Date.now()): Promise<number> {
  const state = db.collection<{ _id: string; from?: string }>(COLLECTIONS.analyticsState);
  const known = await state.findOne({ _id: STAMPS });
  if (known?.from) return Date.parse(known.from);
  const from = isoHour(foldedBefore ? Math.ceil(nowMs / HOUR_MS) * HOUR_MS + STAMP_MARGIN_MS : 0);
  // Two first folds at once agree on the one document that was written first.
  await state.updateOne({ _id: STAMPS }, { $setOnInsert: { from } }, { upsert: true }).catch((error) => {
    if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
  });
  return Date.parse((await state.findOne({ _id: STAMPS }))?.from ?? from);
}
