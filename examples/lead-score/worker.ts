import { fileURLToPath } from 'node:url';
import { COLLECTIONS } from '@itinera/schemas';
import { appliedKey, type WorkerPlugin, withCustomerLock } from '@itinera/workers';
import type { Db } from 'mongodb';

interface ProfileDoc {
  _id: string;
  traits: Record<string, unknown>;
  appliedOperations: string[];
}

function leadScoreActivities(db: Db) {
  const profiles = db.collection<ProfileDoc>(COLLECTIONS.profiles);
  return {
    /** Adds points once per idempotency key and returns the new score. */
    addLeadScore: (input: { idempotencyKey: string; customerId: string; points: number }): Promise<number> =>
      withCustomerLock(input.customerId, async () => {
        const updated = await profiles.findOneAndUpdate(
          { _id: input.customerId, appliedOperations: { $ne: input.idempotencyKey } },
          {
            $inc: { 'traits.lead_score': input.points },
            $push: { appliedOperations: appliedKey(input.idempotencyKey) },
          },
          { returnDocument: 'after' },
        );
        const profile = updated ?? (await profiles.findOne({ _id: input.customerId }));
        return Number(profile?.traits?.lead_score ?? 0);
      }),
  };
}

export const workerPlugin: WorkerPlugin = {
  executorsModule: fileURLToPath(new URL('./executor.ts', import.meta.url)),
  activities: leadScoreActivities,
};
