import { COLLECTIONS, type Role } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { issueApiKey, type StoredApiKey } from '../plugins/auth.ts';
import { HttpError } from '../plugins/errors.ts';

export interface ApiKeySummary {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Key ids are the first 16 hex digits of the stored hash: stable, and useless for signing in. */
export const KEY_ID_PATTERN = '^[0-9a-f]{16}$';
const idOf = (hash: string) => hash.slice(0, 16);

/** API-key management: create (plain key shown once), list with last use, revoke. */
export function apiKeyService(db: Db) {
  const keys = db.collection<StoredApiKey>(COLLECTIONS.apiKeys);
  const summary = (doc: StoredApiKey): ApiKeySummary => ({
    id: idOf(doc._id),
    name: doc.name,
    role: doc.role,
    prefix: doc.prefix,
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt ?? null,
  });
  const find = async (id: string) => {
    const doc = (await keys.find({}).toArray()).find((k) => idOf(k._id) === id);
    if (!doc) throw new HttpError(404, `API key "${id}" does not exist`, 'id');
    return doc;
  };
  return {
    async list(): Promise<ApiKeySummary[]> {
      const docs = await keys.find({}).sort({ createdAt: 1 }).toArray();
      return docs.map(summary);
    },
    async create(role: Role, name: string): Promise<ApiKeySummary & { key: string }> {
      const { key, doc } = await issueApiKey(db, role, name);
      return { ...summary(doc), key };
    },
    /** Revokes a key at once, everywhere; the last admin key cannot be revoked. */
    async revoke(id: string): Promise<void> {
      const doc = await find(id);
      if (doc.role === 'admin' && (await keys.countDocuments({ role: 'admin' })) <= 1)
        throw new HttpError(
          409,
          'The last admin key cannot be revoked; create another admin key first',
          'id',
        );
      await keys.deleteOne({ _id: doc._id });
    },
  };
}
