import { createHash } from 'node:crypto';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

/** An erased customer's tombstone id: a hash, so the tombstone does not name them. */
export const tombstoneId = (customerId: string) => createHash('sha256').update(customerId).digest('hex');

/** Whether the customer was erased (and not re-created since). */
export async function isErased(db: Db, customerId: string): Promise<boolean> {
  const tombstones = db.collection<{ _id: string }>(COLLECTIONS.erasedCustomers);
  return (await tombstones.countDocuments({ _id: tombstoneId(customerId) }, { limit: 1 })) > 0;
}
