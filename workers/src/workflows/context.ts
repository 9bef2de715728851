import { eventMatchesFilter } from '@itinera/nodes/filters';
import {
  type CustomerEvent,
  customerTimezone,
  type EnrollmentInput,
  type EventMatcher,
  type ExecutionContext,
  eventMatches,
  type Profile,
  type WorkflowGraph,
} from '@itinera/schemas';
import { condition, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BookkeepingActivities } from '../activities/bookkeeping.ts';
import { FILTERS_0_3, type IsPatched } from './release.ts';

type AnyActivity = (input: unknown) => Promise<unknown>;

const bookkeeping = proxyLocalActivities<BookkeepingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});

const activities = proxyActivities<Record<string, AnyActivity>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 25,
  },
});

/** Thrown out of a wait when a goal or an exit request ends the enrollment. */
export class Interrupted extends Error {
  constructor() {
    super('Enrollment interrupted');
    this.name = 'Interrupted';
  }
}

/** Thrown out of a plain wait when the enrollment is asked to move to another version; carries the wait. */
export class Relocating extends Error {
  constructor(readonly wait: CarriedWait) {
    super('Enrollment moving to another version');
    this.name = 'Relocating';
  }
}

/** Node types whose wait a version move may interrupt: they do nothing but wait. Others finish their step. */
const RELOCATABLE_WAITS = new Set(['wait', 'wait_for_event']);

/** Mutable state the signal handlers and the executors share. */
export interface Mailbox {
  pendingEvents: (CustomerEvent & { seq: number })[];
  /** The number the next arriving event gets; a wait only considers events numbered from its start. */
  nextSeq(): number;
  interrupted(): boolean;
  /** True when history has grown enough that a long wait should move to a fresh run. */
  historyFull(): boolean;
  /** Continues as new mid-wait (never returns); the new run resumes this wait until the same deadline. */
  moveWait(wait: CarriedWait): Promise<never>;
  /** True while a request to move to another journey version waits to be answered. */
  relocating(): boolean;
}

/** A wait carried across continue-as-new: same node visit, same deadline, same first event considered. */
export interface CarriedWait {
  nodeId: string;
  visit: number;
  untilMs: number;
  fromSeq: number;
}

export interface WaitStatus {
  waitingFor: string | null;
  nextWakeAt: string | null;
}

export function createContext(
  input: EnrollmentInput,
  node: WorkflowGraph['nodes'][number],
  visit: number,
  vars: Record<string, unknown>,
  mailbox: Mailbox,
  status: WaitStatus,
  isPatched: IsPatched,
  carried?: CarriedWait,
): ExecutionContext<Record<string, unknown>> {
  let profile: Promise<Profile> | undefined;
  const loadProfile = () => {
    profile ??= bookkeeping.loadProfile(input.customerId);
    return profile;
  };
  const announceWait = async (waitingFor: string, wakeAt: number | null) => {
    status.waitingFor = waitingFor;
    status.nextWakeAt = wakeAt === null ? null : new Date(wakeAt).toISOString();
    await bookkeeping.markWaiting({
      enrollmentId: input.enrollmentId,
      nodeId: node.id,
      ...status,
      waitingFor,
    });
  };
  const clearWait = () => {
    status.waitingFor = null;
    status.nextWakeAt = null;
  };
  /** The first wait of a resumed node keeps the deadline and event window it had before continue-as-new. */
  const takeCarried = () => {
    const wait = carried;
    carried = undefined;
    return wait;
  };
  /** Waits until `done` holds or the deadline passes; when history grows too long, moves to a fresh run. */
  const waitUntil = async (done: () => boolean, timeoutMs: number, untilMs: number, fromSeq: number) => {
    const movable = isPatched('continue-as-new-mid-wait');
    const mustMove = () => movable && mailbox.historyFull();
    const leaving = () => RELOCATABLE_WAITS.has(node.type) && mailbox.relocating();
    await condition(() => mailbox.interrupted() || done() || leaving() || mustMove(), timeoutMs);
    if (!mailbox.interrupted() && !done() && leaving()) {
      clearWait();
      throw new Relocating({ nodeId: node.id, visit, untilMs, fromSeq });
    }
    if (!mailbox.interrupted() && !done() && mustMove()) {
      await mailbox.moveWait({ nodeId: node.id, visit, untilMs, fromSeq });
    }
    clearWait();
    if (mailbox.interrupted()) throw new Interrupted();
  };

  return {
    config: node.config,
    node: { id: node.id, type: node.type, label: node.label },
    journey: {
      id: input.journey.id,
      version: input.journey.version,
      name: input.journey.name,
      settings: input.journey.settings,
    },
    enrollmentId: input.enrollmentId,
    customerId: input.customerId,
    visit,
    idempotencyKey: `${input.enrollmentId}:${node.id}:${visit}`,
    vars,
    now: () => Date.now(),
    loadProfile,
    async timezone() {
      const { traits } = await loadProfile();
      return customerTimezone(traits.timezone, input.journey.settings.defaultTimezone);
    },
    async sleepUntil(epochMs, why) {
      const untilMs = takeCarried()?.untilMs ?? epochMs;
      const delay = Math.max(0, untilMs - Date.now());
      await announceWait(why, untilMs);
      await waitUntil(() => false, delay, untilMs, mailbox.nextSeq());
    },
    async waitForEvent(matcher: EventMatcher, timeoutMs, why) {
      const resumed = takeCarried();
      const untilMs = resumed?.untilMs ?? Date.now() + timeoutMs;
      const remainingMs = resumed ? Math.max(0, untilMs - Date.now()) : timeoutMs;
      // Events that arrive while the wait is being announced count too.
      const seesSetup = isPatched('wait-sees-events-during-setup');
      const fromBeforeAnnounce = resumed?.fromSeq ?? mailbox.nextSeq();
      await announceWait(why, untilMs);
      const from = seesSetup ? fromBeforeAnnounce : mailbox.nextSeq();
      const matches = isPatched(FILTERS_0_3) ? eventMatchesFilter : eventMatches;
      const matchIndex = () => mailbox.pendingEvents.findIndex((e) => e.seq >= from && matches(e, matcher));
      await waitUntil(() => matchIndex() >= 0, remainingMs, untilMs, from);
      const index = matchIndex();
      if (index < 0) return null;
      const [{ seq: _, ...event }] = mailbox.pendingEvents.splice(index, 1);
      return event;
    },
    activity: <T>(name: string, activityInput: unknown) => activities[name](activityInput) as Promise<T>,
    patched: isPatched,
  };
}

export { bookkeeping };
