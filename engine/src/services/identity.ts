import { anyOf } from '@itinera/nodes/segments';
import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { EventLimits } from './event-limits.ts';
import type { EventDoc } from './event-parsing.ts';

interface AliasDoc {
  /** The anonymous (or previous) id. */
  _id: string;
  customerId: string;
  createdAt: string;
  /** Set once the anonymous id's events and traits were moved; until then any later call redoes it. */
  mergedAt?: string;
}

type ProfileDoc = { _id: string; traits?: Record<string, unknown> } & Record<string, unknown>;

const DUPLICATE_KEY = 11000;

/** A call that names one id only, which may since have been linked to a known customer. */
const underOwnId = (doc: EventDoc) =>
  doc.type !== 'alias' && (!doc.anonymousId || doc.anonymousId === doc.customerId);

/**
 * Anonymous ids and aliases: a call carrying both `userId` and `anonymousId`, or an `alias` call, links
 * the anonymous id to the known customer once (the first link wins), moves its events (which keep
 * `anonymousId`) and fills the customer's missing traits from the anonymous profile. Later calls that
 * carry only the anonymous id are stored under the known customer.
 */
export function identityService(db: Db, limits: EventLimits) {
  const aliases = db.collection<AliasDoc>(COLLECTIONS.aliases);
  const events = db.collection<EventDoc>(COLLECTIONS.events);
  const profiles = db.collection<ProfileDoc>(COLLECTIONS.profiles);

  const claim = async (anonymousId: string, customerId: string): Promise<AliasDoc | null> => {
    const existing = await aliases.findOne({ _id: anonymousId });
    if (existing) return existing;
    try {
      const doc = { _id: anonymousId, customerId, createdAt: new Date().toISOString() };
      await aliases.insertOne(doc);
      return doc;
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      return aliases.findOne({ _id: anonymousId });
    }
  };

  const merge = async (anonymousId: string, customerId: string) => {
    await events.updateMany({ customerId: anonymousId }, { $set: { customerId, anonymousId } });
    const anonymous = await profiles.findOne({ _id: anonymousId });
    if (anonymous) {
      const known = await profiles.findOne({ _id: customerId }, { projection: { traits: 1 } });
      const $set: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(anonymous.traits ?? {}))
        if (!Object.hasOwn(known?.traits ?? {}, key)) $set[`traits.${key}`] = value;
      await profiles.updateOne(
        { _id: customerId },
        {
          $set: { ...$set, updatedAt: new Date().toISOString() },
          $setOnInsert: { createdAt: anonymous.createdAt ?? new Date().toISOString() },
        },
        { upsert: true },
      );
      await profiles.deleteOne({ _id: anonymousId });
    }
    await aliases.updateOne({ _id: anonymousId }, { $set: { mergedAt: new Date().toISOString() } });
  };

  return {
    /**
     * Before anything is stored: calls with only an anonymous id go to the customer it was merged into,
     * and trait-setting calls may not push a profile over the trait limit (400 naming `traits`).
     */
    async prepare(docs: EventDoc[], batch: boolean): Promise<void> {
      const anonymousOnly = [...new Set(docs.filter(underOwnId).map((d) => d.customerId))];
      const known = new Map(
        anonymousOnly.length
          ? (await aliases.find({ _id: anyOf(anonymousOnly) }).toArray()).map((a) => [a._id, a])
          : [],
      );
      for (const doc of docs) {
        const alias = underOwnId(doc) ? known.get(doc.customerId) : undefined;
        if (alias) Object.assign(doc, { anonymousId: doc.customerId, customerId: alias.customerId });
      }
      const traitKeys = new Map<string, Set<string>>();
      for (const [i, doc] of docs.entries()) {
        if (!doc.traits) continue;
        let keys = traitKeys.get(doc.customerId);
        if (!keys) {
          const profile = await profiles.findOne({ _id: doc.customerId }, { projection: { traits: 1 } });
          keys = new Set(Object.keys(profile?.traits ?? {}));
          traitKeys.set(doc.customerId, keys);
        }
        for (const key of Object.keys(doc.traits)) keys.add(key);
        if (keys.size > limits.traitsPerProfile) {
          const field = batch ? `batch.${i}.traits` : 'traits';
          throw new HttpError(
            400,
            `${field} would give customer "${doc.customerId}" ${keys.size} traits; the limit is ${limits.traitsPerProfile} (ITINERA_MAX_TRAITS)`,
            field,
          );
        }
      }
    },

    /**
     * After an anonymous call is stored: if its id was linked meanwhile (by another process), the call
     * moves to the known customer. Either this sees the link, or the link's merge sees this event.
     */
    async settle(doc: EventDoc): Promise<void> {
      if (!doc.anonymousId || doc.anonymousId !== doc.customerId) return;
      const alias = await aliases.findOne({ _id: doc.anonymousId });
      if (!alias) return;
      await events.updateOne({ _id: doc._id }, { $set: { customerId: alias.customerId } });
      doc.customerId = alias.customerId;
    },

    /** Before the call is stored: links and merges its anonymous (or previous) id, once. */
    async link(doc: EventDoc): Promise<void> {
      const anonymousId = doc.type === 'alias' ? doc.previousId : doc.anonymousId;
      if (!anonymousId || anonymousId === doc.customerId) return;
      const alias = await claim(anonymousId, doc.customerId);
      if (alias && alias.customerId === doc.customerId && !alias.mergedAt)
        await merge(anonymousId, doc.customerId);
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
