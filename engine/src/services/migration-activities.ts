import { COLLECTIONS, type EnrollmentStatus, SIGNALS, type VersionMove } from '@itinera/schemas';
import type { MigrationActivities, MigrationRunState } from '@itinera/workers/migration';
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from 'mongodb';
import { ignoreDuplicates } from './broadcast-activities.ts';
import type { JourneyService } from './journeys.ts';
import { stayReason, type WaitingEnrollment } from './migration-plan.ts';
import type { EnrollmentRouter } from './routing.ts';

export interface WaitingDoc extends WaitingEnrollment {
  _id: string;
  customerId: string;
}
export interface MigrationDoc {
  _id: string;
  journeyId: string;
  fromVersion: number;
  toVersion: number;
  mapping: Record<string, string>;
  /** Written by the driver's activities only (one writer at a time). */
  state: MigrationRunState;
  ratePerMinute: number | null;
  /** How many customers the preview at the start said would move. */
  planned: number;
  createdAt: string;
  createdBy: string;
}
/**
 * One per (migration, enrollment), inserted by the driver: the claim of a move, or the record of a skip. The
 * enrollment's workflow adds the outcome of a move when it answers; the driver adds `failed`/`ended` only when
 * there was no workflow to ask.
 */
export interface MoveDoc {
  _id: string;
  migrationId: string;
  enrollmentId: string;
  customerId: string;
  fromNodeId: string;
  plannedToNodeId: string | null;
  claimedAt: string;
  outcome?: 'moved' | 'refused' | 'skipped' | 'failed' | 'ended';
  toNodeId?: string | null;
  reason?: string;
  keptWakeAt?: string | null;
}

export const migrationCollections = (db: Db) => ({
  enrollments: db.collection<WaitingDoc & { status: EnrollmentStatus; version: number; journeyId: string }>(
    COLLECTIONS.enrollments,
  ),
  migrations: db.collection<MigrationDoc>(COLLECTIONS.migrations),
  moves: db.collection<MoveDoc>(COLLECTIONS.migrationMoves),
});

/** The migration driver's activities; they run in the API processes, which own the enrollment routing. */
export function migrationActivities(
  db: Db,
  journeys: JourneyService,
  router: EnrollmentRouter,
): MigrationActivities {
  const { enrollments, migrations, moves } = migrationCollections(db);

  const load = async (migrationId: string) => {
    const doc = await migrations.findOne({ _id: migrationId });
    if (!doc) throw new Error(`Migration ${migrationId} does not exist`);
    return doc;
  };

  /** Inserts the claim; true when this enrollment still has to be asked (new claim, or claimed and unanswered). */
  const claim = async (doc: MoveDoc): Promise<boolean> => {
    try {
      await moves.insertOne(doc);
      return true;
    } catch (error) {
      ignoreDuplicates(error);
    }
    const existing = await moves.findOne({ _id: doc._id }, { projection: { outcome: 1 } });
    return !existing?.outcome;
  };

  /** Asks the enrollment's workflow to move; a workflow that ignores a repeated request makes this safe to retry. */
  const ask = async (enrollmentId: string, moveId: string, move: VersionMove) => {
    try {
      await router.bounded(() => router.client.workflow.getHandle(enrollmentId).signal(SIGNALS.move, move));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const now = await enrollments.findOne({ _id: enrollmentId }, { projection: { status: 1 } });
      const ended = now?.status !== 'active';
      await moves.updateOne(
        { _id: moveId, outcome: { $exists: false } },
        {
          $set: ended
            ? { outcome: 'ended', reason: 'The enrollment ended before it could be asked' }
            : { outcome: 'failed', reason: 'The enrollment is active but has no running workflow to ask' },
        },
      );
    }
  };

  return {
    async moveMigrationPage({ migrationId, after, limit }) {
      const doc = await load(migrationId);
      const [from, to] = await Promise.all([
        journeys.version(doc.journeyId, doc.fromVersion),
        journeys.version(doc.journeyId, doc.toVersion),
      ]);
      const page = await enrollments
        .find(
          {
            journeyId: doc.journeyId,
            version: doc.fromVersion,
            status: 'active',
            ...(after === null ? {} : { _id: { $gt: after } }),
          },
          { projection: { customerId: 1, currentNodeId: 1, nextWakeAt: 1 } },
        )
        .sort({ _id: 1 })
        .limit(limit)
        .toArray();
      // The version, not its graph: each workflow loads it, so the graph is not copied into every history.
      const move: VersionMove = { migrationId, toVersion: to.version, mapping: doc.mapping };
      const claimedAt = new Date().toISOString();
      for (const enrollment of page) {
        const fromNodeId = enrollment.currentNodeId ?? '';
        const target = doc.mapping[fromNodeId] ?? null;
        const base = {
          _id: `${migrationId}:${enrollment._id}`,
          migrationId,
          enrollmentId: enrollment._id,
          customerId: enrollment.customerId,
          fromNodeId,
          plannedToNodeId: target,
          claimedAt,
        };
        if (!target) {
          const reason = stayReason(from, to, fromNodeId);
          await moves.insertOne({ ...base, outcome: 'skipped', reason }).catch(ignoreDuplicates);
        } else if (await claim(base)) {
          await ask(enrollment._id, base._id, move);
        }
        Context.current().heartbeat();
      }
      return { processed: page.length, last: page.at(-1)?._id ?? null };
    },

    async markMigration({ migrationId, state }) {
      await migrations.updateOne({ _id: migrationId }, { $set: { state } });
    },
  };
}
