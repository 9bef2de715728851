import { createHash } from 'node:crypto';
import {
  COLLECTIONS,
  type EnrollmentStatus,
  type MigrationMove,
  type MigrationPreview,
  type MigrationRequest,
  type MigrationRun,
  type MigrationStatus,
  SIGNALS,
  type VersionMove,
} from '@itinera/schemas';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type Db, MongoServerError } from 'mongodb';
import { HttpError, UnavailableError } from '../plugins/errors.ts';
import type { JourneyService } from './journeys.ts';
import { effectiveMapping, previewGroups, suggestMapping, type WaitingEnrollment } from './migration-plan.ts';
import { type EnrollmentRouter, TemporalUnavailableError, workflowJourney } from './routing.ts';

const DUPLICATE_KEY = 11000;
const PAGE = 500;
const MAX_LISTED_MOVES = 5000;

interface WaitingDoc extends WaitingEnrollment {
  _id: string;
  customerId: string;
}
interface MigrationDoc {
  _id: string;
  journeyId: string;
  fromVersion: number;
  toVersion: number;
  mapping: Record<string, string>;
  createdAt: string;
  createdBy: string;
}
/** Inserted by the driver (the claim); the enrollment's workflow adds the outcome fields when it answers. */
interface MoveDoc {
  _id: string;
  migrationId: string;
  enrollmentId: string;
  customerId: string;
  fromNodeId: string;
  plannedToNodeId: string;
  claimedAt: string;
  outcome?: 'moved' | 'refused';
  toNodeId?: string | null;
  reason?: string;
  keptWakeAt?: string | null;
}

/** The same journey, versions and mapping always make the same migration: running it again resumes it. */
function migrationIdOf(journeyId: string, from: number, to: number, mapping: Record<string, string>): string {
  const sorted = Object.keys(mapping)
    .sort()
    .map((k) => [k, mapping[k]]);
  const digest = createHash('sha256')
    .update(JSON.stringify([journeyId, from, to, sorted]))
    .digest('hex');
  return `mig-${digest.slice(0, 16)}`;
}

/** Previews and runs moves of waiting customers from one version of a journey to another. */
export function migrationService(db: Db, journeys: JourneyService, router: EnrollmentRouter) {
  const enrollments = db.collection<WaitingDoc & { status: EnrollmentStatus }>(COLLECTIONS.enrollments);
  const migrations = db.collection<MigrationDoc>(COLLECTIONS.migrations);
  const moves = db.collection<MoveDoc>(COLLECTIONS.migrationMoves);

  /** Active enrollments pinned to `version`, a page at a time in id order. */
  async function* waitingOn(journeyId: string, version: number): AsyncGenerator<WaitingDoc> {
    let after: string | null = null;
    for (;;) {
      const page: WaitingDoc[] = await enrollments
        .find(
          { journeyId, version, status: 'active', ...(after === null ? {} : { _id: { $gt: after } }) },
          { projection: { customerId: 1, currentNodeId: 1, nextWakeAt: 1 } },
        )
        .sort({ _id: 1 })
        .limit(PAGE)
        .toArray();
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]._id;
    }
  }

  const plan = async (journeyId: string, request: MigrationRequest) => {
    if (request.fromVersion === request.toVersion)
      throw new HttpError(400, 'fromVersion and toVersion must differ', 'toVersion');
    await journeys.get(journeyId);
    const [from, to] = await Promise.all([
      journeys.version(journeyId, request.fromVersion),
      journeys.version(journeyId, request.toVersion),
    ]);
    const suggestions = suggestMapping(from.graph, to.graph);
    const mapping = effectiveMapping(from, to, request.mapping);
    const waiting: WaitingDoc[] = [];
    for await (const enrollment of waitingOn(journeyId, from.version)) waiting.push(enrollment);
    const groups = previewGroups(from, to, mapping, suggestions, waiting, Date.now());
    const moving = groups.reduce((n, g) => n + (g.toNodeId ? g.customers : 0), 0);
    const preview: MigrationPreview = {
      journeyId,
      fromVersion: from.version,
      toVersion: to.version,
      suggestions,
      mapping,
      total: waiting.length,
      moving,
      staying: waiting.length - moving,
      groups,
    };
    return { preview, to, mapping, waiting };
  };

  /** Claims the move by unique insert; false when this migration already has the enrollment's answer. */
  const claim = async (doc: MoveDoc): Promise<boolean> => {
    try {
      await moves.insertOne(doc);
      return true;
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) throw error;
      const existing = await moves.findOne({ _id: doc._id }, { projection: { outcome: 1 } });
      return !existing?.outcome;
    }
  };

  const signal = async (enrollmentId: string, move: VersionMove) => {
    try {
      await router.bounded(() => router.client.workflow.getHandle(enrollmentId).signal(SIGNALS.move, move));
      return true;
    } catch (error) {
      if (error instanceof TemporalUnavailableError) throw new UnavailableError('Temporal');
      // No run: the enrollment ended meanwhile (or never started); the status reports it, a re-run retries.
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };

  const status = async (journeyId: string, id: string): Promise<MigrationStatus> => {
    const doc = await migrations.findOne({ _id: id });
    if (!doc || doc.journeyId !== journeyId)
      throw new HttpError(404, `Journey "${journeyId}" has no migration "${id}"`, 'migrationId');
    const claimed = await moves.find({ migrationId: id }).sort({ _id: 1 }).toArray();
    const unanswered = claimed.filter((m) => !m.outcome).map((m) => m.enrollmentId);
    const ended = new Set(
      unanswered.length === 0
        ? []
        : (
            await enrollments
              .find({ _id: { $in: unanswered }, status: { $ne: 'active' } }, { projection: { _id: 1 } })
              .toArray()
          ).map((e) => e._id),
    );
    const listed: MigrationMove[] = claimed.map((m) => ({
      enrollmentId: m.enrollmentId,
      customerId: m.customerId,
      fromNodeId: m.fromNodeId,
      plannedToNodeId: m.plannedToNodeId,
      outcome: m.outcome ?? (ended.has(m.enrollmentId) ? 'ended' : null),
      toNodeId: m.toNodeId ?? null,
      reason: m.reason ?? null,
      keptWakeAt: m.keptWakeAt ?? null,
    }));
    const count = (outcome: MigrationMove['outcome']) => listed.filter((m) => m.outcome === outcome).length;
    const { _id, createdBy: _, ...rest } = doc;
    return {
      id: _id,
      ...rest,
      counts: {
        claimed: listed.length,
        moved: count('moved'),
        refused: count('refused'),
        ended: count('ended'),
        pending: count(null),
      },
      moves: listed.slice(0, MAX_LISTED_MOVES),
    };
  };

  return {
    status,

    async preview(journeyId: string, request: MigrationRequest): Promise<MigrationPreview> {
      return (await plan(journeyId, request)).preview;
    },

    /**
     * Asks every waiting enrollment at a mapped node to move. Each move is claimed first (one document per
     * migration and enrollment); running the same migration again signals only enrollments that have not
     * answered, and the workflow ignores a migration it already answered, so re-running is safe.
     */
    async run(journeyId: string, request: MigrationRequest, by: string): Promise<MigrationRun> {
      const { preview, to, mapping, waiting } = await plan(journeyId, request);
      const id = migrationIdOf(journeyId, preview.fromVersion, to.version, mapping);
      if (request.dryRun) return { dryRun: true, migrationId: id, preview, migration: null, signalled: 0 };
      const createdAt = new Date().toISOString();
      await migrations
        .insertOne({
          _id: id,
          journeyId,
          fromVersion: preview.fromVersion,
          toVersion: to.version,
          mapping,
          createdAt,
          createdBy: by,
        })
        .catch((error) => {
          if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) throw error;
        });
      const move: VersionMove = { migrationId: id, journey: workflowJourney(to), mapping };
      let signalled = 0;
      for (const enrollment of waiting) {
        const target = mapping[enrollment.currentNodeId ?? ''];
        if (!target || !enrollment.currentNodeId) continue;
        const claimed = await claim({
          _id: `${id}:${enrollment._id}`,
          migrationId: id,
          enrollmentId: enrollment._id,
          customerId: enrollment.customerId,
          fromNodeId: enrollment.currentNodeId,
          plannedToNodeId: target,
          claimedAt: createdAt,
        });
        if (claimed && (await signal(enrollment._id, move))) signalled++;
      }
      return { dryRun: false, migrationId: id, preview, migration: await status(journeyId, id), signalled };
    },
  };
}

export type MigrationService = ReturnType<typeof migrationService>;
