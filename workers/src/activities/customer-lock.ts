import { KeyedLock } from '@itinera/nodes/keyed-lock';

const profileLock = new KeyedLock();

/**
 * Serialises this worker's writes to one customer's profile. Correctness does not rest on it: on MongoDB each
 * profile update is one atomic single-document update. It only reduces contention, and on FerretDB (which applies
 * updates as read-then-write) it narrows lost updates to writers in different processes.
 */
export function withCustomerLock<T>(customerId: string, task: () => Promise<T>): Promise<T> {
  return profileLock.run(customerId, task);
}
