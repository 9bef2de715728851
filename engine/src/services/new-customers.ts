import { insertEach } from '@itinera/nodes/segments';
import { COLLECTIONS } from '@itinera/schemas';
import type { Collection, Db } from 'mongodb';
import { recentCustomers } from './recent-customers.ts';

/**
 * Creates the profiles of customers not seen before and names them in the customer list; for each id,
 * whether it was new. Inserting (and ignoring a duplicate) is much cheaper than an upsert on FerretDB.
 */
export function newCustomers(db: Db) {
  const profiles = db.collection(COLLECTIONS.profiles) as unknown as Collection<{ _id: string }>;
  const recent = recentCustomers(db);
  return async (customerIds: string[], at: string): Promise<boolean[]> => {
    const created = await insertEach(
      profiles,
      customerIds.map((_id) => ({ _id, traits: {}, createdAt: at, updatedAt: at }) as { _id: string }),
    );
    await Promise.all(customerIds.filter((_, i) => created[i]).map((id) => recent.touch(id, at)));
    return created;
  };
}
