import {
  DEFAULT_DELIVERY_SETTINGS,
  type DeliverySettings,
  subscriptionStore,
  suppressionStore,
} from '@itinera/nodes/send';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

/** Reads what a send decision needs. */
export function deliveryRecords(db: Db) {
  const settings = db.collection<{ _id: string } & Partial<DeliverySettings>>(COLLECTIONS.settings);
  const consent = subscriptionStore(db);
  const suppressed = suppressionStore(db);

  return {
    async settings(): Promise<DeliverySettings> {
      const doc = await settings.findOne({ _id: 'delivery' });
      return { ...DEFAULT_DELIVERY_SETTINGS, ...doc };
    },
    subscriptions: (customerId: string) => consent.read(customerId),
    suppressions: (customerId: string) => suppressed.read(customerId),
  };
}
