import { fileURLToPath } from 'node:url';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { withCustomerLock } from '../../workers/src/activities/customer-lock.ts';
import type { WorkerPlugin } from '../../workers/src/worker.ts';

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
          { $inc: { 'traits.lead_score': input.points }, $push: { appliedOperations: input.idempotencyKey } },
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
