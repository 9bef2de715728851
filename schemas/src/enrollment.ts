import type { ControlGroup } from './control-group.ts';
import type { CustomerEvent } from './events.ts';
import type { JourneyGraph, JourneyNode, JourneySettings } from './graph.ts';

export type EnrollmentStatus = 'active' | 'completed' | 'converted' | 'exited' | 'failed';

export interface Enrollment {
  id: string;
  journeyId: string;
  version: number;
  customerId: string;
  entryNumber: number;
  status: EnrollmentStatus;
  currentNodeId: string | null;
  nextWakeAt: string | null;
  waitingFor: string | null;
  enteredAt: string;
  endedAt: string | null;
  endReason: string | null;
  triggerMessageId: string | null;
}

/** One line in an enrollment's timeline: what a node did and why. */
export interface TimelineStep {
  id: string;
  enrollmentId: string;
  journeyId: string;
  customerId: string;
  nodeId: string;
  nodeType: string;
  visit: number;
  at: string;
  outcome: string;
  port: string | null;
  reason: string;
  data?: Record<string, unknown>;
}

export function enrollmentWorkflowId(journeyId: string, customerId: string, entryKey: string): string {
  return `enrollment:${journeyId}:${customerId}:${entryKey}`;
}

export const ENROLLMENT_WORKFLOW = 'journeyWorkflow';
export const SIGNALS = { event: 'customerEvent', exit: 'exitEnrollment', move: 'moveToVersion' } as const;
export const QUERIES = { state: 'enrollmentState' } as const;

/** A graph as the workflow needs it: editor-only fields (canvas positions) may be left out. */
export interface WorkflowGraph {
  nodes: (Omit<JourneyNode, 'position'> & { position?: JourneyNode['position'] })[];
  edges: JourneyGraph['edges'];
}

/** What the engine passes to a new enrollment workflow: the pinned journey version, never a live draft. */
export interface EnrollmentInput {
  enrollmentId: string;
  customerId: string;
  journey: {
    id: string;
    version: number;
    name: string;
    graph: WorkflowGraph;
    settings: JourneySettings;
  };
  trigger: CustomerEvent | null;
  /** Set when the entrant is held out: the run walks the journey but sends nothing (see control-group.ts). */
  control?: ControlGroup;
  /** Present when the workflow continued as new, carrying where it was. */
  resume?: InterpreterState;
  /** History length that triggers continue-as-new (tests lower it). */
  historyLimit?: number;
}

export interface InterpreterState {
  currentNodeId: string;
  visits: Record<string, number>;
  vars: Record<string, unknown>;
  seenMessageIds: string[];
  /** Events received and not yet consumed by a wait, numbered in arrival order. */
  pendingEvents: (CustomerEvent & { seq: number })[];
  nextSeq: number;
  /** A wait that was in progress when the run continued as new: resumed with the same deadline. */
  wait?: { nodeId: string; visit: number; untilMs: number; fromSeq: number };
  /** Version migrations this enrollment already answered (moved or refused), so a repeated request is a no-op. */
  migrations?: string[];
  /** A move requested but not yet answered when the run continued as new mid-step. */
  move?: VersionMove;
}

/** Asks a running enrollment to continue on another version of its journey (signal `SIGNALS.move`). */
export interface VersionMove {
  migrationId: string;
  /** The version to continue on; the workflow loads its graph (moves asked since release 0.3.1). */
  toVersion?: number;
  /** The version's graph itself: moves asked before release 0.3.1 carried it; still honoured. */
  journey?: EnrollmentInput['journey'];
  /** From-version node id to to-version node id; a customer at a node not listed stays where they are. */
  mapping: Record<string, string>;
}

/** What the interpreter records when it answers a `VersionMove`. */
export interface MoveRecord {
  migrationId: string;
  enrollmentId: string;
  journeyId: string;
  customerId: string;
  fromVersion: number;
  toVersion: number;
  fromNodeId: string;
  fromNodeType: string;
  visit: number;
  at: string;
  outcome: 'moved' | 'refused';
  reason: string;
  /** Set when moved. */
  toNodeId: string | null;
  /** The wait deadline carried to the new node, when one was. */
  keptWakeAt: string | null;
}

export interface EnrollmentState {
  currentNodeId: string | null;
  waitingFor: string | null;
  nextWakeAt: string | null;
}

/** Bookkeeping the interpreter hands to its local activities. */
export interface StepRecord {
  enrollmentId: string;
  journeyId: string;
  customerId: string;
  nodeId: string;
  nodeType: string;
  visit: number;
  at: string;
  outcome: string;
  port: string | null;
  reason: string;
  data?: Record<string, unknown>;
  nextNodeId: string | null;
  end?: { status: Exclude<EnrollmentStatus, 'active'>; reason: string };
}

export interface WaitRecord {
  enrollmentId: string;
  nodeId: string;
  waitingFor: string;
  nextWakeAt: string | null;
}

/** How often a running worker refreshes its document in the `workers` collection. */
export const WORKER_HEARTBEAT_MS = 10_000;

/** What a running worker reports about itself in the `workers` collection. */
export interface WorkerCapabilities {
  taskQueue: string;
  nodeTypes: string[];
  lastSeen: string;
}
