import { COLLECTIONS } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

const DUPLICATE_KEY = 11000;

export interface BaselineStepRecord {
  enrollmentId: string;
  journeyId: string;
  customerId: string;
  nodeId: string;
  nodeType: string;
  outcome: string;
  at: string;
  ended: boolean;
}

/**
 * What a hand-written journey would do to the store, with the same writes Itinera makes: the timeline line
 * and the enrollment's current node per step, the profile read, and the outbox message per send.
 */
export function baselineActivities(db: Db) {
  const steps = db.collection(COLLECTIONS.steps);
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const profiles = db.collection(COLLECTIONS.profiles);
  const messages = db.collection(COLLECTIONS.messages);
  const loadProfile = async (customerId: string): Promise<Record<string, unknown>> =>
    ((await profiles.findOne({ _id: customerId as never }))?.traits as Record<string, unknown>) ?? {};

  return {
    loadProfile,
    async sendEmail(input: { customerId: string; idempotencyKey: string; body: string }): Promise<void> {
      const traits = await loadProfile(input.customerId);
      try {
        await messages.insertOne({
          _id: input.idempotencyKey as never,
          channel: 'email',
          customerId: input.customerId,
          to: (traits.email as string | undefined) ?? 'x@example.com',
          body: input.body,
          sentAt: new Date().toISOString(),
        });
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
      }
    },
    async markWaiting(input: { enrollmentId: string; nodeId: string; nextWakeAt: string }): Promise<void> {
      await enrollments.updateOne(
        { _id: input.enrollmentId as never },
        { $set: { currentNodeId: input.nodeId, waitingFor: input.nodeId, nextWakeAt: input.nextWakeAt } },
      );
    },
    async recordStep(step: BaselineStepRecord): Promise<void> {
      const { ended, ...line } = step;
      await steps.updateOne(
        { _id: `${step.enrollmentId}:${step.nodeId}:1` as never },
        { $set: line },
        { upsert: true },
      );
      const update = ended
        ? { status: 'completed', endedAt: step.at, currentNodeId: null }
        : { currentNodeId: step.nodeId };
      await enrollments.updateOne(
        { _id: step.enrollmentId as never },
        { $set: { ...update, waitingFor: null, nextWakeAt: null, updatedAt: step.at } },
      );
    },
  };
}

export type BaselineActivities = ReturnType<typeof baselineActivities>;
