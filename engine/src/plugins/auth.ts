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

/** Creates a key and stores only its hash; the plain key is returned once. */
export async function createApiKey(db: Db, role: Role, name: string): Promise<string> {
  const key = `itn_${role}_${randomBytes(24).toString('base64url')}`;
  await db.collection(COLLECTIONS.apiKeys).insertOne({
    _id: hashKey(key) as never,
    role,
    name,
    prefix: key.slice(0, 12),
    createdAt: new Date().toISOString(),
  });
  return key;
}

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
  const keys = db.collection(COLLECTIONS.apiKeys);
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.public || !request.routeOptions.url) return;
    const key = presentedKey(request);
    if (!key)
      throw new HttpError(401, 'Missing API key: send "Authorization: Bearer <key>"', 'authorization');
    const found = await keys.findOne({ _id: hashKey(key) as never });
    if (!found) throw new HttpError(401, 'Unknown API key', 'authorization');
    request.apiKey = { role: found.role as Role, name: found.name as string };
    if (!config.capability || !roleCan(request.apiKey.role, config.capability)) {
      throw new HttpError(
        403,
        `Role "${found.role}" may not ${config.capability ?? 'use this route'}`,
        'authorization',
      );
    }
  });
}
