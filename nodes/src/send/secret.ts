import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { newSecret } from './links.ts';

const DUPLICATE_KEY = 11000;

/**
 * The key that signs unsubscribe and tracking links: `ITINERA_LINK_SECRET` when set, else one generated on
 * first use and kept in the settings collection, so the API and every worker agree on it.
 */
export async function loadLinkSecret(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.ITINERA_LINK_SECRET) return env.ITINERA_LINK_SECRET;
  const settings = db.collection<{ _id: string; value: string }>(COLLECTIONS.settings);
  const existing = await settings.findOne({ _id: 'link-secret' });
  if (existing) return existing.value;
  try {
    await settings.insertOne({ _id: 'link-secret', value: newSecret() });
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
  return (await settings.findOne({ _id: 'link-secret' }))!.value;
}

export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.ITINERA_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
}
