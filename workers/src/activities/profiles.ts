import { COLLECTIONS, type PropertyFilter } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { withCustomerLock } from './customer-lock.ts';

interface ProfileOperation {
  path: string;
  op: 'set' | 'increment' | 'unset';
  value?: unknown;
}

function mongoFilterFor(where: PropertyFilter): Record<string, unknown> {
  const ops: Record<string, string> = {
    eq: '$eq',
    neq: '$ne',
    gt: '$gt',
    gte: '$gte',
    lt: '$lt',
    lte: '$lte',
    in: '$in',
  };
  const filter: Record<string, unknown> = {};
  for (const predicate of where) {
    const field = `properties.${predicate.path}`;
    if (predicate.op === 'exists') filter[field] = { $exists: true };
    else if (predicate.op === 'not_exists') filter[field] = { $exists: false };
    else if (predicate.op === 'contains') filter[field] = predicate.value;
    else filter[field] = { [ops[predicate.op]]: predicate.value };
  }
  return filter;
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
        ...mongoFilterFor(input.where),
      });
    },

    /** Applies the operations once per idempotency key, in one update per customer at a time. */
    updateProfile: (input: UpdateInput) => withCustomerLock(input.customerId, () => applyOperations(input)),
  };

  async function applyOperations(input: UpdateInput): Promise<boolean> {
    const $set: Record<string, unknown> = { updatedAt: new Date().toISOString() };
    const $inc: Record<string, number> = {};
    const $unset: Record<string, ''> = {};
    for (const { path, op, value } of input.operations) {
      if (op === 'set') $set[`traits.${path}`] = value;
      else if (op === 'increment') $inc[`traits.${path}`] = Number(value);
      else $unset[`traits.${path}`] = '';
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
