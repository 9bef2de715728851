import { patched } from '@temporalio/workflow';

/**
 * Workflow changes shipped together in release 0.2. Each would need its own `patched()` marker (two history
 * events per enrollment each); one marker, taken when a run starts, decides them all: a run started on this
 * release has them, an enrollment recorded before it replays without them. A later release adds its own set.
 */
const RELEASE_0_2 = new Set([
  'continue-as-new-mid-wait',
  'wait-sees-events-during-setup',
  'missing-executor-retries-task',
  'cancellation-records-end',
  'send-resolves-timezone',
]);

export type IsPatched = (id: string) => boolean;

/** Filters evaluated by the shared Mongo-query semantics (@itinera/nodes/filters); decided once per run. */
export const FILTERS_0_3 = 'itinera-0.3-filters';

/** Call once, first thing in a run; other ids (a custom node's own changes) are Temporal's `patched(id)`. */
export function releasePatches(): IsPatched {
  const release02 = patched('itinera-0.2');
  const filters03 = patched(FILTERS_0_3);
  return (id) => (RELEASE_0_2.has(id) ? release02 : id === FILTERS_0_3 ? filters03 : patched(id));
}
