import { createHash } from 'node:crypto';
import type {
  MigrationMove,
  MigrationPreview,
  MigrationRequest,
  MigrationRun,
  MigrationStatus,
} from '@itinera/schemas';
import {
  MIGRATION_WORKFLOW,
  type MigrationWorkflowInput,
  migrationCancelSignal,
  migrationWorkflowId,
} from '@itinera/workers/migration';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from 'mongodb';
import { HttpError, UnavailableError } from '../plugins/errors.ts';
import { ignoreDuplicates } from './broadcast-activities.ts';
import { broadcastActivityQueue } from './broadcasts.ts';
import type { JourneyService } from './journeys.ts';
import { type MoveDoc, migrationCollections, type WaitingDoc } from './migration-activities.ts';
import { effectiveMapping, previewGroups, suggestMapping } from './migration-plan.ts';
import { type EnrollmentRouter, type TemporalTarget, TemporalUnavailableError } from './routing.ts';

const PAGE = 500;
const MAX_LISTED_MOVES = 5000;
type Outcome = NonNullable<MoveDoc['outcome']>;

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

/**
 * Previews moves of waiting customers from one version of a journey to another, and starts, watches and cancels
 * the background driver (workers/src/workflows/migration-workflow.ts) that makes them.
 */
export function migrationService(
  db: Db,
  journeys: JourneyService,
  router: EnrollmentRouter,
  temporal: TemporalTarget,
) {
  const { enrollments, migrations, moves } = migrationCollections(db);
  /** A Temporal call bounded in time: an unreachable server answers 503 fast. */
  const temporalCall = <T>(call: () => Promise<T>) =>
    router.bounded(call).catch((error) => {
      throw error instanceof TemporalUnavailableError ? new UnavailableError('Temporal') : error;
    });

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
    return { preview, mapping };
  };

  const load = async (journeyId: string, id: string) => {
    const doc = await migrations.findOne({ _id: id });
    if (!doc || doc.journeyId !== journeyId)
      throw new HttpError(404, `Journey "${journeyId}" has no migration "${id}"`, 'migrationId');
    return doc;
  };

  const status = async (journeyId: string, id: string): Promise<MigrationStatus> => {
    const doc = await load(journeyId, id);
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
    const count = (outcome: Outcome | null) => listed.filter((m) => m.outcome === outcome).length;
    const asked = listed.length - count('skipped');
    const { _id, createdBy: _, planned, ...rest } = doc;
    return {
      id: _id,
      ...rest,
      counts: {
        planned,
        claimed: asked,
        moved: count('moved'),
        refused: count('refused'),
        ended: count('ended'),
        skipped: count('skipped'),
        failed: count('failed'),
        pending: count(null),
        remaining: doc.state === 'completed' ? 0 : Math.max(0, planned - asked),
      },
      moves: listed.slice(0, MAX_LISTED_MOVES),
    };
  };

  return {
    status,
    preview: async (journeyId: string, request: MigrationRequest) => (await plan(journeyId, request)).preview,

    /**
     * Records the migration and starts its background driver; answers at once. Starting the same migration
     * again while its driver runs is a no-op; after it finished, a new driver resumes it (customers who
     * answered are not asked again).
     */
    async start(journeyId: string, request: MigrationRequest, by: string): Promise<MigrationRun> {
      const { preview: planned, mapping } = await plan(journeyId, request);
      const { fromVersion, toVersion } = planned;
      const migrationId = migrationIdOf(journeyId, fromVersion, toVersion, mapping);
      if (request.dryRun) return { dryRun: true, migrationId, preview: planned, migration: null };
      await migrations
        .insertOne({
          _id: migrationId,
          journeyId,
          fromVersion,
          toVersion,
          mapping,
          state: 'running',
          ratePerMinute: request.ratePerMinute ?? null,
          planned: planned.moving,
          createdAt: new Date().toISOString(),
          createdBy: by,
        })
        .catch(ignoreDuplicates);
      const args: MigrationWorkflowInput = {
        migrationId,
        activityTaskQueue: broadcastActivityQueue(temporal.taskQueue),
        ratePerMinute: request.ratePerMinute ?? null,
      };
      await temporalCall(() =>
        temporal.client.workflow.start(MIGRATION_WORKFLOW, {
          workflowId: migrationWorkflowId(migrationId),
          taskQueue: temporal.taskQueue,
          args: [args],
        }),
      ).catch((error) => {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      });
      return {
        dryRun: false,
        migrationId,
        preview: planned,
        migration: await status(journeyId, migrationId),
      };
    },

    /** Stops the driver between pages; customers already asked still answer. */
    async cancel(journeyId: string, id: string): Promise<MigrationStatus> {
      const doc = await load(journeyId, id);
      if (doc.state !== 'running') throw new HttpError(409, `Migration is ${doc.state}`, 'migrationId');
      await temporalCall(() =>
        temporal.client.workflow.getHandle(migrationWorkflowId(id)).signal(migrationCancelSignal),
      ).catch((error) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        throw new HttpError(409, 'Migration has no running driver', 'migrationId');
      });
      return status(journeyId, id);
    },
  };
}

export type MigrationService = ReturnType<typeof migrationService>;
