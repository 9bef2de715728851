import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

/** How long a heartbeat keeps someone listed as having a journey open. */
export const PRESENCE_WINDOW_MS = 30_000;

interface PresenceDoc {
  _id: string;
  journeyId: string;
  name: string;
  lastSeen: Date;
}

export interface PresenceEntry {
  name: string;
  lastSeen: string;
}

/**
 * Who has a journey open: one document per (journey, API key name) holding the last heartbeat. Nothing is
 * kept in the process, so any number of API processes answer alike; stale entries simply stop counting.
 */
export function presenceService(db: Db) {
  const presence = db.collection<PresenceDoc>(COLLECTIONS.presence);
  const key = (journeyId: string, name: string) => `${journeyId}:${name}`;
  return {
    /** Records a heartbeat and returns the others seen within the window. */
    async beat(journeyId: string, name: string, now = new Date()): Promise<PresenceEntry[]> {
      const upsert = () =>
        presence.updateOne(
          { _id: key(journeyId, name) },
          { $set: { journeyId, name, lastSeen: now } },
          { upsert: true },
        );
      // Two heartbeats of one key at once may both try to insert; the loser's retry finds the document.
      await upsert().catch((error) => {
        if ((error as { code?: number }).code !== 11000) throw error;
        return upsert();
      });
      const recent = await presence
        .find({ journeyId, lastSeen: { $gte: new Date(now.getTime() - PRESENCE_WINDOW_MS) } })
        .toArray();
      return recent
        .filter((p) => p.name !== name)
        .map((p) => ({ name: p.name, lastSeen: p.lastSeen.toISOString() }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async leave(journeyId: string, name: string): Promise<void> {
      await presence.deleteOne({ _id: key(journeyId, name) });
    },
  };
}
