import {
  COLLECTIONS,
  decodeRecord,
  foldKeyOf,
  hourKeyOf,
  type MoveRecord,
  type Profile,
  type StepRecord,
  type WaitRecord,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import { computedValuesOf } from './computed-values.ts';

export interface BookkeepingActivities {
  loadProfile(customerId: string): Promise<Profile>;
  markWaiting(wait: WaitRecord): Promise<void>;
  recordStep(step: StepRecord): Promise<void>;
  recordMove(move: MoveRecord): Promise<void>;
}

/** Local activities that keep Mongo's view of each enrollment (timeline, current node, wake-up) current. */
export function bookkeepingActivities(db: Db): BookkeepingActivities {
  const enrollments = db.collection(COLLECTIONS.enrollments);
  const steps = db.collection(COLLECTIONS.steps);
  const moves = db.collection(COLLECTIONS.migrationMoves);
  return {
    async loadProfile(customerId) {
      const [doc, computed] = await Promise.all([
        db.collection(COLLECTIONS.profiles).findOne({ _id: customerId as never }),
        computedValuesOf(db, customerId),
      ]);
      const now = new Date().toISOString();
      return {
        customerId,
        traits: decodeRecord(doc?.traits),
        computed,
        createdAt: (doc?.createdAt as string) ?? now,
        updatedAt: (doc?.updatedAt as string) ?? now,
      };
    },

    async markWaiting({ enrollmentId, nodeId, waitingFor, nextWakeAt }) {
      await enrollments.updateOne(
        { _id: enrollmentId as never },
        { $set: { currentNodeId: nodeId, waitingFor, nextWakeAt } },
      );
    },

    async recordStep(step) {
      const { nextNodeId, end, ...line } = step;
      const id = `${step.enrollmentId}:${step.nodeId}:${step.visit}`;
      // `next` (null at an end) lets the analytics fold count who waits where from the steps alone.
      const foldKey = foldKeyOf();
      await steps.updateOne(
        { _id: id as never },
        { $set: { ...line, hour: hourKeyOf(step.at), next: end ? null : nextNodeId, foldKey } },
        { upsert: true },
      );
      const update = end
        ? {
            status: end.status,
            endReason: end.reason,
            endedAt: step.at,
            endedHour: hourKeyOf(step.at),
            currentNodeId: null,
            foldKey,
          }
        : { currentNodeId: nextNodeId };
      await enrollments.updateOne(
        { _id: step.enrollmentId as never },
        { $set: { ...update, waitingFor: null, nextWakeAt: null, updatedAt: step.at } },
      );
    },

    /** The timeline line, the migration's answer for this enrollment and, when moved, the enrollment's new place. */
    async recordMove(move) {
      const { migrationId, enrollmentId, outcome, reason, toNodeId, keptWakeAt, at } = move;
      await steps.updateOne(
        { _id: `${enrollmentId}:move:${migrationId}` as never },
        {
          $set: {
            enrollmentId,
            journeyId: move.journeyId,
            customerId: move.customerId,
            nodeId: move.fromNodeId,
            nodeType: move.fromNodeType,
            visit: move.visit,
            at,
            hour: hourKeyOf(at),
            outcome,
            port: null,
            reason,
            data: { migrationId, fromVersion: move.fromVersion, toVersion: move.toVersion, toNodeId },
            foldKey: foldKeyOf(),
          },
        },
        { upsert: true },
      );
      await moves.updateOne(
        { _id: `${migrationId}:${enrollmentId}` as never },
        { $set: { migrationId, enrollmentId, outcome, reason, toNodeId, keptWakeAt, answeredAt: at } },
        { upsert: true },
      );
      if (outcome !== 'moved') return;
      await enrollments.updateOne(
        { _id: enrollmentId as never },
        {
          $set: {
            version: move.toVersion,
            currentNodeId: toNodeId,
            waitingFor: null,
            nextWakeAt: keptWakeAt,
            updatedAt: at,
          },
        },
      );
    },
  };
}
