import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { Subscriptions } from './channels.ts';

const DUPLICATE_KEY = 11000;

interface ConsentDoc {
  /** `${kind}:${name}:${customerId}`: channel names and topics contain no ":". */
  _id: string;
  customerId: string;
  kind: 'channels' | 'topics';
  name: string;
  subscribed: boolean;
  updatedAt: string;
}

/** Before consent became one document per fact, one document per customer held both maps. */
type LegacyDoc = { _id: string } & Subscriptions;

/**
 * Consent as one document per (customer, channel or topic), so concurrent changes to different channels or
 * topics never overwrite each other, on MongoDB or FerretDB; changes to the same one are last-writer-wins.
 */
export function subscriptionStore(db: Db) {
  const facts = db.collection<ConsentDoc>(COLLECTIONS.subscriptions);
  const legacy = db.collection<LegacyDoc>(COLLECTIONS.subscriptions);

  const setOne = async (customerId: string, kind: ConsentDoc['kind'], name: string, subscribed: boolean) => {
    const _id = `${kind}:${name}:${customerId}`;
    const $set = { customerId, kind, name, subscribed, updatedAt: new Date().toISOString() };
    try {
      await facts.updateOne({ _id }, { $set }, { upsert: true });
    } catch (error) {
      // Two first writes racing to insert the same fact on a store whose upsert is read-then-insert.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      await facts.updateOne({ _id }, { $set });
    }
  };

  return {
    async read(customerId: string): Promise<Required<Subscriptions>> {
      const [old, docs] = await Promise.all([
        legacy.findOne({ _id: customerId }),
        facts.find({ customerId }).toArray(),
      ]);
      const result = { channels: { ...old?.channels }, topics: { ...old?.topics } };
      for (const doc of docs) (result[doc.kind] as Record<string, boolean>)[doc.name] = doc.subscribed;
      return result;
    },
    async update(customerId: string, change: Subscriptions): Promise<void> {
      await Promise.all([
        ...Object.entries(change.channels ?? {}).map(([name, on]) =>
          setOne(customerId, 'channels', name, on),
        ),
        ...Object.entries(change.topics ?? {}).map(([name, on]) => setOne(customerId, 'topics', name, on)),
      ]);
    },
    unsubscribe(customerId: string, what: { channel?: string; topic?: string }): Promise<void> {
      return what.topic
        ? setOne(customerId, 'topics', what.topic, false)
        : setOne(customerId, 'channels', what.channel ?? 'email', false);
    },
  };
}
