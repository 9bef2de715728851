import { type EnrollmentInput, type MoveRecord, SIGNALS, type VersionMove } from '@itinera/schemas';
import { ActivityFailure, defineSignal, proxyActivities } from '@temporalio/workflow';
import type { JourneyVersionActivities } from '../activities/journey-versions.ts';
import type { CarriedWait } from './context.ts';
import type { IsPatched } from './release.ts';

export const moveSignal = defineSignal<[VersionMove]>(SIGNALS.move);

/** Guards everything a version move schedules, so enrollments recorded before release 0.3 replay unchanged. */
export const MIGRATE_PATCH = 'itinera-0.3-migrate';

/** A move naming its target version (not carrying its graph) loads it through an activity. */
export const MIGRATE_REF_PATCH = 'itinera-0.3-migrate-ref';

const { loadJourneyVersion } = proxyActivities<JourneyVersionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/** How many answered migration ids a run carries (a journey rarely migrates the same customer often). */
export const MAX_ANSWERED_MIGRATIONS = 50;

type Journey = EnrollmentInput['journey'];
type Decision = { record: MoveRecord; resume: CarriedWait | undefined };

interface Where {
  input: EnrollmentInput;
  nodeId: string;
  nodeType: string;
  visits: Record<string, number>;
  /** The wait the customer was taken out of, when the move interrupted one. */
  left: CarriedWait | undefined;
}

/**
 * Decides where a customer standing at `nodeId` lands on the requested version. A node the mapping does not
 * list refuses the move (the customer stays, resuming their wait). A wait moved onto a node of the same
 * type keeps its deadline and event window; any other target starts fresh.
 */
export function decideMove(
  request: VersionMove,
  journey: Journey,
  { input, nodeId, nodeType, visits, left }: Where,
  unavailable?: string,
): Decision {
  const from = input.journey.version;
  const to = journey.version;
  const targetId = request.mapping[nodeId];
  const target = targetId && !unavailable ? journey.graph.nodes.find((n) => n.id === targetId) : undefined;
  const base = {
    migrationId: request.migrationId,
    enrollmentId: input.enrollmentId,
    journeyId: input.journey.id,
    customerId: input.customerId,
    fromVersion: from,
    toVersion: to,
    fromNodeId: nodeId,
    fromNodeType: nodeType,
    visit: left?.visit ?? visits[nodeId] ?? 0,
    at: new Date().toISOString(),
  };
  if (!target) {
    const reason = unavailable
      ? `Stayed on v${from}: ${unavailable}`
      : targetId
        ? `Stayed on v${from}: v${to} has no node "${targetId}"`
        : `Stayed on v${from}: node ${nodeId} has no counterpart in v${to}`;
    const record = { ...base, outcome: 'refused', reason, toNodeId: null, keptWakeAt: null } as const;
    return { record, resume: left };
  }
  const resume =
    left && target.type === nodeType
      ? { ...left, nodeId: target.id, visit: (visits[target.id] ?? 0) + 1 }
      : undefined;
  const keptWakeAt = resume ? new Date(resume.untilMs).toISOString() : null;
  const record = {
    ...base,
    outcome: 'moved',
    reason: `Moved from v${from} node ${nodeId} to v${to} node ${target.id}${keptWakeAt ? `, still waking at ${keptWakeAt}` : ''}`,
    toNodeId: target.id,
    keptWakeAt,
  } as const;
  return { record, resume };
}

/**
 * The move's target version and the decision. A request carrying the graph (asked before release 0.3.1) is
 * decided as recorded; one naming the version loads it first, behind its own patch.
 */
export async function planMove(
  request: VersionMove,
  where: Where,
  isPatched: IsPatched,
): Promise<Decision & { journey: Journey }> {
  if (request.journey) return { ...decideMove(request, request.journey, where), journey: request.journey };
  // A worker without this code fails the task instead; Temporal retries it until a newer worker takes it.
  if (!isPatched(MIGRATE_REF_PATCH) || request.toVersion === undefined)
    throw new Error('A move naming its target version needs a worker of release 0.3.1 or later');
  const { id } = where.input.journey;
  try {
    const journey = await loadJourneyVersion({ journeyId: id, version: request.toVersion });
    return { ...decideMove(request, journey, where), journey };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const journey = { ...where.input.journey, version: request.toVersion };
    const why = `v${request.toVersion} could not be loaded (${error.cause?.message ?? error.message})`;
    return { ...decideMove(request, journey, where, why), journey };
  }
}
