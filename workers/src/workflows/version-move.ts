import { type EnrollmentInput, type MoveRecord, SIGNALS, type VersionMove } from '@itinera/schemas';
import { defineSignal } from '@temporalio/workflow';
import type { CarriedWait } from './context.ts';

export const moveSignal = defineSignal<[VersionMove]>(SIGNALS.move);

/** Guards everything a version move schedules, so enrollments recorded before release 0.3 replay unchanged. */
export const MIGRATE_PATCH = 'itinera-0.3-migrate';

/** How many answered migration ids a run carries (a journey rarely migrates the same customer often). */
export const MAX_ANSWERED_MIGRATIONS = 50;

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
  { input, nodeId, nodeType, visits, left }: Where,
): { record: MoveRecord; resume: CarriedWait | undefined } {
  const from = input.journey.version;
  const to = request.journey.version;
  const targetId = request.mapping[nodeId];
  const target = targetId ? request.journey.graph.nodes.find((n) => n.id === targetId) : undefined;
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
    const reason = targetId
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
