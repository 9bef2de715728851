import { filterQuery } from '@itinera/nodes/filters';
import { COLLECTIONS, encodePath, encodeStored, type PropertyFilter } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { withCustomerLock } from './customer-lock.ts';

interface ProfileOperation {
  path: string;
  op: 'set' | 'increment' | 'unset';
  value?: unknown;
}

/** Remembers the key, keeping the most recent ones only: retries come soon after the first attempt. */
export const appliedKey = (key: string) => ({ $each: [key], $slice: -500 });

export interface UpdateInput {
  idempotencyKey: string;
  customerId: string;
  operations: ProfileOperation[];
}

export function profileActivities(db: Db) {
  const profiles = db.collection(COLLECTIONS.profiles);
  return {
    /** Counts the customer's events in a window, for conditions like "purchased at least twice in 30 days". */
    async countEvents(input: {
      customerId: string;
      event: string;
      where: PropertyFilter;
      sinceMs: number;
      untilMs: number;
    }) {
      return db.collection(COLLECTIONS.events).countDocuments({
        customerId: input.customerId,
        event: input.event,
        timestamp: {
          $gte: new Date(input.sinceMs).toISOString(),
          $lte: new Date(input.untilMs).toISOString(),
        },
        ...filterQuery(input.where, 'properties'),
      });
    },

    /**
     * Applies the operations once per idempotency key: the key check, `$set`/`$inc`/`$unset` and the key's record
     * are one update of one document, atomic on MongoDB with any number of workers. FerretDB applies that update as
     * read-then-write, so two workers updating one customer's profile at once can lose one update (README).
     */
    updateProfile: (input: UpdateInput) => withCustomerLock(input.customerId, () => applyOperations(input)),
  };

  async function applyOperations(input: UpdateInput): Promise<boolean> {
    const $set: Record<string, unknown> = { updatedAt: new Date().toISOString() };
    const $inc: Record<string, number> = {};
    const $unset: Record<string, ''> = {};
    for (const { path, op, value } of input.operations) {
      const field = `traits.${encodePath(path)}`;
      if (op === 'set') $set[field] = encodeStored(value, field);
      else if (op === 'increment') $inc[field] = Number(value);
      else $unset[field] = '';
    }
    const update: Record<string, unknown> = {
      $set,
      $push: { appliedOperations: appliedKey(input.idempotencyKey) },
    };
    if (Object.keys($inc).length > 0) update.$inc = $inc;
    if (Object.keys($unset).length > 0) update.$unset = $unset;
    await profiles.updateOne(
      { _id: input.customerId as never },
      { $setOnInsert: { traits: {}, createdAt: new Date().toISOString() } },
      { upsert: true },
    );
    const result = await profiles.updateOne(
      { _id: input.customerId as never, appliedOperations: { $ne: input.idempotencyKey } },
      update,
    );
    return result.modifiedCount === 1;
  }
}
