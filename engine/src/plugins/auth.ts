import { createHash, randomBytes } from 'node:crypto';
import { type Capability, COLLECTIONS, type Role, roleCan } from '@itinera/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { HttpError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must allow; routes without it must say `public: true`. */
    capability?: Capability;
    public?: boolean;
  }
  interface FastifyRequest {
    apiKey?: { role: Role; name: string };
  }
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface StoredApiKey {
  _id: string;
  role: Role;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
}

/** Creates a key and stores only its hash; the plain key is returned once. */
export async function issueApiKey(db: Db, role: Role, name: string) {
  const key = `itn_${role}_${randomBytes(24).toString('base64url')}`;
  const doc: StoredApiKey = {
    _id: hashKey(key),
    role,
    name,
    prefix: key.slice(0, 12),
    createdAt: new Date().toISOString(),
  };
  await db.collection<StoredApiKey>(COLLECTIONS.apiKeys).insertOne(doc);
  return { key, doc };
}

export async function createApiKey(db: Db, role: Role, name: string): Promise<string> {
  return (await issueApiKey(db, role, name)).key;
}

/** Last use is recorded at most once a minute per key, so authentication stays a single read. */
const LAST_USED_RESOLUTION_MS = 60_000;

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  if (header?.startsWith('Basic ')) {
    // Segment libraries send the write key as the Basic-auth user name.
    return Buffer.from(header.slice(6), 'base64').toString().split(':')[0];
  }
  const apiKeyHeader = request.headers['x-api-key'];
  return typeof apiKeyHeader === 'string' ? apiKeyHeader : undefined;
}

export function registerAuth(app: FastifyInstance, db: Db): void {
  const keys = db.collection<StoredApiKey>(COLLECTIONS.apiKeys);
  const noteUse = (found: StoredApiKey, now: Date) => {
    if (found.lastUsedAt && now.getTime() - Date.parse(found.lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
    keys
      .updateOne({ _id: found._id }, { $set: { lastUsedAt: now.toISOString() } })
      .catch((err) => app.log.warn({ err }, 'could not record API key use'));
  };
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public || !request.routeOptions.url) return;
    const key = presentedKey(request);
    if (!key)
      throw new HttpError(401, 'Missing API key: send "Authorization: Bearer <key>"', 'authorization');
    const found = await keys.findOne({ _id: hashKey(key) });
    if (!found) throw new HttpError(401, 'Unknown API key', 'authorization');
    noteUse(found, new Date());
    request.apiKey = { role: found.role, name: found.name };
    if (!config.capability || !roleCan(request.apiKey.role, config.capability)) {
      throw new HttpError(
        403,
        `Role "${found.role}" may not ${config.capability ?? 'use this route'}`,
        'authorization',
      );
    }
  });
}
