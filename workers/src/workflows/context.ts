import {
  type CustomerEvent,
  type EnrollmentInput,
  type EventMatcher,
  type ExecutionContext,
  eventMatches,
  type JourneyNode,
  type Profile,
} from '@itinera/schemas';
import { condition, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BookkeepingActivities } from '../activities/bookkeeping.ts';

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

export function isValidTimezone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Mutable state the signal handlers and the executors share. */
export interface Mailbox {
  pendingEvents: (CustomerEvent & { seq: number })[];
  /** The number the next arriving event gets; a wait only considers events numbered from its start. */
  nextSeq(): number;
  interrupted(): boolean;
}

export interface WaitStatus {
  waitingFor: string | null;
  nextWakeAt: string | null;
}

export function createContext(
  input: EnrollmentInput,
  node: JourneyNode,
  visit: number,
  vars: Record<string, unknown>,
  mailbox: Mailbox,
  status: WaitStatus,
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
      if (isValidTimezone(traits.timezone)) return traits.timezone;
      return isValidTimezone(input.journey.settings.defaultTimezone)
        ? input.journey.settings.defaultTimezone
        : 'UTC';
    },
    async sleepUntil(epochMs, why) {
      const delay = Math.max(0, epochMs - Date.now());
      await announceWait(why, epochMs);
      await condition(() => mailbox.interrupted(), delay);
      clearWait();
      if (mailbox.interrupted()) throw new Interrupted();
    },
    async waitForEvent(matcher: EventMatcher, timeoutMs, why) {
      await announceWait(why, Date.now() + timeoutMs);
      const from = mailbox.nextSeq();
      const matchIndex = () =>
        mailbox.pendingEvents.findIndex((e) => e.seq >= from && eventMatches(e, matcher));
      await condition(() => mailbox.interrupted() || matchIndex() >= 0, timeoutMs);
      clearWait();
      if (mailbox.interrupted()) throw new Interrupted();
      const index = matchIndex();
      if (index < 0) return null;
      const [{ seq: _, ...event }] = mailbox.pendingEvents.splice(index, 1);
      return event;
    },
    activity: <T>(name: string, activityInput: unknown) => activities[name](activityInput) as Promise<T>,
  };
}

export { bookkeeping };
