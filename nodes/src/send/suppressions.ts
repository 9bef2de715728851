import { createHash } from 'node:crypto';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { Channel } from './channels.ts';

/** Why an address stopped receiving: the provider said it does not exist, or its owner reported spam. */
export type SuppressionKind = 'hard_bounce' | 'complaint';

export interface Suppression {
  customerId: string;
  channel: Channel;
  /** The address the receipt was about; a customer who changes address is reachable again. */
  address: string;
  kind: SuppressionKind;
  reason: string;
  /** The receipt that caused it. */
  receiptId: string;
  at: string;
}

const DUPLICATE_KEY = 11000;
const addressKey = (address: string) =>
  createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 24);

/**
 * Addresses a provider reported as dead or complaining, one document per (customer, channel, address):
 * the first receipt wins and later ones change nothing, so concurrent receipts never lose a write.
 */
export function suppressionStore(db: Db) {
  const docs = db.collection<Suppression & { _id: string }>(COLLECTIONS.suppressions);
  return {
    async suppress(suppression: Suppression): Promise<void> {
      const _id = `${suppression.channel}:${suppression.customerId}:${addressKey(suppression.address)}`;
      try {
        await docs.insertOne({ _id, ...suppression });
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
    },
    read(customerId: string): Promise<Suppression[]> {
      return docs.find({ customerId }, { projection: { _id: 0 } }).toArray();
    },
  };
}

/**
 * The suppression that makes `address` unreachable on `channel`, if any. A hard bounce stops every
 * message (the address does not exist); a complaint stops all but transactional ones.
 */
export function suppressionOf(
  suppressions: readonly Suppression[],
  channel: Channel,
  address: string,
  transactional: boolean,
): Suppression | undefined {
  const key = addressKey(address);
  return suppressions.find(
    (s) =>
      s.channel === channel && addressKey(s.address) === key && (s.kind === 'hard_bounce' || !transactional),
  );
}
