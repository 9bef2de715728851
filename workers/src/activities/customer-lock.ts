import { KeyedLock } from '@itinera/schemas';

const profileLock = new KeyedLock();

/**
 * Serialises this worker's writes to one customer's profile. FerretDB applies updates as read-modify-write
 * without atomicity, so concurrent enrollments of the same customer would otherwise lose increments.
 */
export function withCustomerLock<T>(customerId: string, task: () => Promise<T>): Promise<T> {
  return profileLock.run(customerId, task);
}
