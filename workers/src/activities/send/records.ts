import {
  DEFAULT_DELIVERY_SETTINGS,
  type DeliverySettings,
  type LoggedSend,
  type Subscriptions,
} from '@itinera/nodes/send';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

const LOG_KEEP_MS = 31 * 86_400_000;
const LOG_KEEP_ENTRIES = 200;

/** Reads what a send decision needs, all by `_id`. */
export function deliveryRecords(db: Db) {
  const settings = db.collection<{ _id: string } & Partial<DeliverySettings>>(COLLECTIONS.settings);
  const subscriptions = db.collection<{ _id: string } & Subscriptions>(COLLECTIONS.subscriptions);
  const log = db.collection<{ _id: string; recent: LoggedSend[] }>(COLLECTIONS.deliveryLog);

  return {
    async settings(): Promise<DeliverySettings> {
      const doc = await settings.findOne({ _id: 'delivery' });
      return { ...DEFAULT_DELIVERY_SETTINGS, ...doc };
    },
    async subscriptions(customerId: string): Promise<Subscriptions> {
      return (await subscriptions.findOne({ _id: customerId })) ?? {};
    },
    async recentSends(customerId: string): Promise<LoggedSend[]> {
      return (await log.findOne({ _id: customerId }))?.recent ?? [];
    },
    /** Only called under the customer's lock, so this read-then-write cannot lose an entry. */
    async logSend(customerId: string, entry: LoggedSend): Promise<void> {
      const recent = (await this.recentSends(customerId)).filter((s) => s.at > entry.at - LOG_KEEP_MS);
      recent.push(entry);
      await log.updateOne(
        { _id: customerId },
        { $set: { recent: recent.slice(-LOG_KEEP_ENTRIES) } },
        { upsert: true },
      );
    },
  };
}
