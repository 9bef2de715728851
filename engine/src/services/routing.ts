import { eventMatchesFilter } from '@itinera/nodes/filters';
import {
  COLLECTIONS,
  type ControlGroup,
  type CustomerEvent,
  decodeStored,
  ENROLLMENT_WORKFLOW,
  type Enrollment,
  type EnrollmentInput,
  type EventInterest,
  eventInterest,
  interestedIn,
  SIGNALS,
} from '@itinera/schemas';
import { workflowJourney } from '@itinera/workers/migration';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { JourneyService } from './journeys.ts';
import { closedRunReconciler } from './reconcile.ts';

export { workflowJourney };

export interface TemporalTarget {
  client: Client;
  taskQueue: string;
  /** Upper bound for one Temporal call, so an unreachable server fails a request fast. Default 3 s. */
  callTimeoutMs?: number;
}

/** What routing needs from an enrollment document. */
export type RoutedEnrollment = Pick<Enrollment, 'journeyId' | 'version' | 'customerId' | 'status'> & {
  _id: string;
  /** As stored: encoded by the storage codec. */
  triggerEvent?: unknown;
  control?: ControlGroup;
};

/** Thrown when Temporal cannot be reached: the caller keeps the event pending for the sweeper. */
export class TemporalUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`Temporal is unreachable: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'TemporalUnavailableError';
  }
}

/** After a call finds Temporal unreachable, calls fail fast for this long (the sweeper's probe ends it sooner). */
const DOWN_MEMORY_MS = 10_000;
/**
 * gRPC codes that say "not now" rather than "not this": unreachable, out of time (a call past its deadline can
 * surface as CANCELLED), or rate-limited by the server. The caller keeps the event pending for the sweeper.
 */
const TRANSIENT_GRPC_CODES = new Set([
  1, // CANCELLED
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  14, // UNAVAILABLE
]);

export function isTemporalUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'number' && TRANSIENT_GRPC_CODES.has(e.code)) return true;
  }
  return false;
}

/**
 * Enrollments started before `itinera-0.3-filters` keep the old in-memory filter answers, newer ones the shared
 * Mongo-query semantics: an event goes to an enrollment when either would match, and the workflow decides.
 */
function wants(interest: EventInterest, event: CustomerEvent): boolean {
  return (
    interestedIn(interest, event) ||
    (!interest.all && interest.matchers.some((m) => eventMatchesFilter(event, m)))
  );
}

/** Starts enrollment workflows and hands them events, only where some node listens for the event. */
export function enrollmentRouter(db: Db, journeys: JourneyService, temporal: TemporalTarget) {
  const enrollments = db.collection<RoutedEnrollment>(COLLECTIONS.enrollments);
  const { client } = temporal;
  const reconciler = closedRunReconciler(db, temporal, (call) => bounded(call));
  let downUntil = 0;

  /** Runs one Temporal call with a deadline; an unreachable server becomes TemporalUnavailableError. */
  const bounded = async <T>(call: () => Promise<T>): Promise<T> => {
    if (Date.now() < downUntil) throw new TemporalUnavailableError('it did not answer a moment ago');
    try {
      return await client.withDeadline(Date.now() + (temporal.callTimeoutMs ?? 3_000), call);
    } catch (error) {
      if (!isTemporalUnavailable(error)) throw error;
      // Later calls fail at once instead of each waiting out its deadline, until a probe finds it back.
      downUntil = Date.now() + DOWN_MEMORY_MS;
      throw new TemporalUnavailableError(error);
    }
  };

  /** The trigger is only needed to start a run, which is rare for a signal; it is read then. */
  const triggerOf = async (enrollment: RoutedEnrollment) => {
    const stored =
      enrollment.triggerEvent !== undefined
        ? enrollment.triggerEvent
        : (await enrollments.findOne({ _id: enrollment._id }, { projection: { triggerEvent: 1 } }))
            ?.triggerEvent;
    return (decodeStored(stored ?? null) as CustomerEvent | null) ?? null;
  };

  const startOptions = async (enrollment: RoutedEnrollment) => {
    const version = await journeys.version(enrollment.journeyId, enrollment.version);
    const input: EnrollmentInput = {
      enrollmentId: enrollment._id,
      customerId: enrollment.customerId,
      journey: workflowJourney(version),
      trigger: await triggerOf(enrollment),
      ...(enrollment.control ? { control: enrollment.control } : {}),
    };
    return {
      workflowId: enrollment._id,
      taskQueue: temporal.taskQueue,
      args: [input] as [EnrollmentInput],
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    };
  };

  const ignoreAlreadyStarted = (error: unknown) => {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  };

  /** Starts the enrollment's workflow unless it already ran; safe to repeat. */
  const start = async (enrollment: RoutedEnrollment) => {
    const options = await startOptions(enrollment);
    await bounded(() => client.workflow.start(ENROLLMENT_WORKFLOW, options)).catch(ignoreAlreadyStarted);
  };

  /**
   * Signals the running workflow by id. Only when no run exists yet (a crash between recording the
   * enrollment and starting it) does it start one carrying the event; a closed run is reconciled.
   */
  const signal = async (enrollment: RoutedEnrollment, event: CustomerEvent) => {
    try {
      await bounded(() => client.workflow.getHandle(enrollment._id).signal(SIGNALS.event, event));
      return;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    if (await reconciler.reconcile(enrollment._id)) return;
    const options = await startOptions(enrollment);
    await bounded(() =>
      client.workflow.signalWithStart(ENROLLMENT_WORKFLOW, {
        ...options,
        signal: SIGNALS.event,
        signalArgs: [event],
      }),
    ).catch(ignoreAlreadyStarted);
  };

  return {
    client,
    start,
    bounded,
    reconcileClosedRuns: reconciler.reconcileClosedRuns,

    /**
     * True when Temporal answers now; the sweeper asks before retrying deferred events. Requests keep
     * failing fast while this probe runs: only an answer clears the memory that Temporal is down.
     */
    async temporalReachable(): Promise<boolean> {
      try {
        await client.withDeadline(Date.now() + (temporal.callTimeoutMs ?? 3_000), () =>
          client.workflowService.getSystemInfo({}),
        );
        downUntil = 0;
        return true;
      } catch (error) {
        if (!isTemporalUnavailable(error)) throw error;
        downUntil = Date.now() + DOWN_MEMORY_MS;
        return false;
      }
    },

    /**
     * Hands the event to the customer's active enrollments whose journey version listens for it; the
     * others never see it, so it costs them no history. Returns how many were signalled.
     */
    /** Whether any published version (live or still holding customers) listens for the event. */
    async anyoneListens(event: CustomerEvent): Promise<boolean> {
      return (await journeys.versionInterests()).some((interest) => wants(interest, event));
    },

    async deliverEvent(event: CustomerEvent, skip: ReadonlySet<string> = new Set()): Promise<number> {
      const active = await enrollments
        .find(
          { customerId: event.customerId, status: 'active' },
          { projection: { journeyId: 1, version: 1, customerId: 1, status: 1, control: 1 } },
        )
        .toArray();
      let signalled = 0;
      for (const enrollment of active) {
        if (skip.has(enrollment._id)) continue;
        const version = await journeys.version(enrollment.journeyId, enrollment.version);
        if (!wants(version.listensFor ?? eventInterest(version.graph), event)) continue;
        await signal(enrollment, event);
        signalled++;
      }
      return signalled;
    },
  };
}

export type EnrollmentRouter = ReturnType<typeof enrollmentRouter>;
