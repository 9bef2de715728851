import {
  CancellationScope,
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

export { workflowJourney } from './journey-input.ts';

export type MigrationRunState = 'running' | 'completed' | 'cancelled';

/** Activities the API process hosts on `activityTaskQueue` (engine/src/services/migration-activities.ts). */
export interface MigrationActivities {
  /**
   * Takes the next `limit` customers waiting on the from-version after enrollment id `after`: each mapped one is
   * claimed by a unique insert and asked to move, each unmapped one recorded as skipped. Safe to repeat.
   */
  moveMigrationPage(input: { migrationId: string; after: string | null; limit: number }): Promise<{
    processed: number;
    /** The last enrollment id of the page; null when the page was empty. */
    last: string | null;
  }>;
  markMigration(input: { migrationId: string; state: MigrationRunState }): Promise<void>;
}

export interface MigrationWorkflowInput {
  migrationId: string;
  activityTaskQueue: string;
  /** Customers asked to move per minute at most; null moves them a page after another. */
  ratePerMinute: number | null;
  /** Carried across continue-as-new: the last enrollment id handled. */
  resume?: { after: string | null };
}

export const MIGRATION_WORKFLOW = 'migrationWorkflow';
export const migrationCancelSignal = defineSignal('migration.cancel');
/** One workflow per migration: starting the same migration again finds the running driver. */
export const migrationWorkflowId = (migrationId: string) => `migration:${migrationId}`;

const UNTHROTTLED_PAGE = 500;
/** A throttled cutover moves a page every 10 seconds. */
const SLICES_PER_MINUTE = 6;
const MINUTE_MS = 60_000;

/**
 * Drives one version migration: pages through the customers waiting on the from-version in enrollment id order
 * until none remain or it is cancelled (between pages). The activities claim each move by a unique insert, so a
 * retried page, a restarted API process or a second driver never moves anyone twice.
 */
export async function migrationWorkflow(input: MigrationWorkflowInput): Promise<MigrationRunState> {
  const acts = proxyActivities<MigrationActivities>({
    taskQueue: input.activityTaskQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
  });
  const { migrationId, ratePerMinute } = input;
  let cancelled = false;
  setHandler(migrationCancelSignal, () => {
    cancelled = true;
  });
  let after = input.resume?.after ?? null;
  if (!input.resume) await acts.markMigration({ migrationId, state: 'running' });
  const limit = ratePerMinute ? Math.ceil(ratePerMinute / SLICES_PER_MINUTE) : UNTHROTTLED_PAGE;
  while (!cancelled) {
    if (workflowInfo().continueAsNewSuggested)
      return continueAsNew<typeof migrationWorkflow>({ ...input, resume: { after } });
    const page = await CancellationScope.nonCancellable(() =>
      acts.moveMigrationPage({ migrationId, after, limit }),
    );
    if (page.last === null || page.processed < limit) break;
    after = page.last;
    if (ratePerMinute)
      await condition(() => cancelled, Math.ceil((page.processed * MINUTE_MS) / ratePerMinute));
  }
  const state = cancelled ? 'cancelled' : 'completed';
  await acts.markMigration({ migrationId, state });
  return state;
}
