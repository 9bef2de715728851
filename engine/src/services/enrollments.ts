import { filterMatches } from '@itinera/nodes/filters';
import { memberId } from '@itinera/nodes/segments';
import {
  COLLECTIONS,
  type ControlGroup,
  type CustomerEvent,
  type Enrollment,
  encodeStored,
  enrollmentWorkflowId,
  foldKeyOf,
  hourKeyOf,
  type Journey,
  SIGNALS,
} from '@itinera/schemas';
import { WorkflowNotFoundError } from '@temporalio/client';
import { type Db, MongoServerError } from 'mongodb';
import { controlGroups } from '../experiments/control-groups.ts';
import { HttpError } from '../plugins/errors.ts';
import { entrySlots } from './entry-slots.ts';
import type { JourneyService } from './journeys.ts';
import { enrollmentRouter, type TemporalTarget } from './routing.ts';

export type { TemporalTarget } from './routing.ts';

type EnrollmentDoc = Omit<Enrollment, 'id'> & {
  _id: string;
  journeyName: string;
  /** Stored encoded (see stored-json.ts): event properties may hold any JSON. */
  triggerEvent?: unknown;
  /** Set when the entrant is held out (journey holdout or global control group). */
  control?: ControlGroup;
  /** Analytics: the minute this document last changed as a fact (schemas/src/fold-key.ts). */
  foldKey?: string;
  /** Analytics: the hours of `enteredAt` and `endedAt` (schemas/src/fold-key.ts). */
  enteredHour?: string;
  endedHour?: string;
  /** Analytics: the node the enrollment entered at, where the fold starts counting who waits where. */
  entryNodeId?: string;
};

interface TriggerConfig {
  kind: 'event' | 'api';
  event?: string;
  where?: [];
  reentry: 'once' | 'after_exit' | 'concurrent';
  entryLimit?: number;
}

export type EntryOutcome = { entered: true; enrollmentId: string } | { entered: false; reason: string };

const DUPLICATE_KEY = 11000;

function toEnrollment({
  _id,
  foldKey: _key,
  enteredHour: _entered,
  endedHour: _ended,
  ...rest
}: EnrollmentDoc): Enrollment & { journeyName: string } {
  return { id: _id, ...rest };
}

export function enrollmentService(db: Db, journeys: JourneyService, temporal: TemporalTarget) {
  const enrollments = db.collection<EnrollmentDoc>(COLLECTIONS.enrollments);
  const segmentMembers = db.collection<{ _id: string }>(COLLECTIONS.segmentMembers);
  const slots = entrySlots(db);
  const router = enrollmentRouter(db, journeys, temporal);
  const control = controlGroups(db);

  /**
   * Decides the enrollment id for this entry. Membership is the enrollments collection itself (indexed by
   * journey and customer): no list is rewritten, and two racing entries meet at the unique enrollment id.
   */
  const entryKeyFor = async (
    journeyId: string,
    customerId: string,
    config: TriggerConfig,
    entryId: string,
  ) => {
    if (config.reentry === 'once') return { key: 'once', entryNumber: 1 };
    const [latest] = await enrollments
      .find({ journeyId, customerId }, { projection: { triggerEvent: 0 } })
      .sort({ entryNumber: -1 })
      .limit(1)
      .toArray();
    const entryNumber = (latest?.entryNumber ?? 0) + 1;
    if (config.reentry === 'concurrent') return { key: `m-${entryId}`, entryNumber };
    if (latest?.status === 'active') {
      if (latest.triggerMessageId !== entryId) return null;
      return { key: null, existing: (await enrollments.findOne({ _id: latest._id }))! };
    }
    return { key: `n${entryNumber}`, entryNumber };
  };

  /** Starts the workflow if needed; safe to repeat. */
  const deliver = (enrollment: EnrollmentDoc, _event: null) => router.start(enrollment);

  return {
    /** Enters a customer into the live version, honouring re-entry rules, entry limits and duplicate triggers. */
    async enter(
      journey: Journey,
      customerId: string,
      trigger: CustomerEvent | null,
      entryId: string,
    ): Promise<EntryOutcome> {
      if (journey.status !== 'live' || journey.liveVersion === null)
        return { entered: false, reason: `journey is ${journey.status}` };
      const version = await journeys.version(journey.id, journey.liveVersion);
      const triggerNode = version.graph.nodes.find((n) => n.type === 'trigger');
      const config = (triggerNode?.config ?? { kind: 'api', reentry: 'once' }) as unknown as TriggerConfig;
      if (trigger && !filterMatches(trigger.properties, config.where))
        return { entered: false, reason: 'trigger filter did not match' };
      const audience = version.settings?.audienceSegment;
      if (
        audience &&
        !(await segmentMembers.countDocuments({ _id: memberId(audience, customerId) }, { limit: 1 }))
      )
        return { entered: false, reason: `customer is not in the audience segment "${audience}"` };

      const entry = await entryKeyFor(journey.id, customerId, config, entryId);
      if (!entry) return { entered: false, reason: 'customer is already in this journey' };
      if ('existing' in entry && entry.existing) {
        await deliver(entry.existing, null);
        return { entered: true, enrollmentId: entry.existing._id };
      }
      const id = enrollmentWorkflowId(journey.id, customerId, entry.key!);
      const existing = await enrollments.findOne({ _id: id });
      if (existing) {
        if (existing.triggerMessageId !== entryId)
          return { entered: false, reason: 'customer already entered this journey' };
        // A retry of the same trigger: finish whatever a crash may have left undone.
        if (existing.control)
          await control.record(existing, existing.control, version.settings.holdoutPercent ?? 0);
        if (existing.status === 'active') await deliver(existing, null);
        return { entered: true, enrollmentId: id };
      }
      const triggerNodeId = triggerNode?.id ?? 'trigger';
      // Only journeys with an entry limit pay for a slot.
      if (config.entryLimit) {
        const slot = await slots.claim(journey.id, config.entryLimit, id, entryId);
        if (slot === 'full') return { entered: false, reason: 'entry limit reached' };
        if (slot === 'taken') return { entered: false, reason: 'customer entered concurrently' };
      }
      const now = new Date().toISOString();
      const group = await control.assign({ id: journey.id, settings: version.settings }, customerId);
      let doc: EnrollmentDoc = {
        _id: id,
        journeyId: journey.id,
        journeyName: version.name,
        version: version.version,
        customerId,
        entryNumber: entry.entryNumber ?? 1,
        status: 'active',
        currentNodeId: triggerNodeId,
        entryNodeId: triggerNodeId,
        nextWakeAt: null,
        waitingFor: null,
        enteredAt: now,
        enteredHour: hourKeyOf(now),
        endedAt: null,
        endReason: null,
        foldKey: foldKeyOf(Date.parse(now)),
        triggerMessageId: entryId,
        triggerEvent: encodeStored(trigger, 'trigger'),
        ...(group ? { control: group } : {}),
      };
      try {
        await enrollments.insertOne(doc);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        const winner = await enrollments.findOne({ _id: id });
        if (winner?.triggerMessageId !== entryId)
          return { entered: false, reason: 'customer entered concurrently' };
        // The same entry from another process: what it recorded (its control group too) is what runs.
        doc = winner;
      }
      if (doc.control) await control.record(doc, doc.control, version.settings.holdoutPercent ?? 0);
      await deliver(doc, null);
      return { entered: true, enrollmentId: id };
    },

    /** Hands an accepted event to the customer's active enrollments that listen for it. */
    deliverEvent: router.deliverEvent,

    async exit(id: string, reason: string): Promise<Enrollment> {
      const doc = await enrollments.findOne({ _id: id });
      if (!doc) throw new HttpError(404, `Enrollment "${id}" does not exist`, 'id');
      if (doc.status !== 'active') throw new HttpError(409, `Enrollment is already ${doc.status}`, 'status');
      try {
        await router.bounded(() => temporal.client.workflow.getHandle(id).signal(SIGNALS.exit, { reason }));
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        const endedAt = new Date().toISOString();
        await enrollments.updateOne(
          { _id: id },
          {
            $set: {
              status: 'exited',
              endedAt,
              endedHour: hourKeyOf(endedAt),
              endReason: `Exited by request: ${reason}`,
              currentNodeId: null,
              foldKey: foldKeyOf(),
            },
          },
        );
      }
      return toEnrollment(doc);
    },

    router,

    async get(id: string) {
      const doc = await enrollments.findOne({ _id: id }, { projection: { triggerEvent: 0 } });
      if (!doc) throw new HttpError(404, `Enrollment "${id}" does not exist`, 'id');
      return toEnrollment(doc);
    },

    async list(filter: { journeyId?: string; customerId?: string; status?: string }, limit = 100) {
      const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
      const docs = await enrollments
        .find(query, { projection: { triggerEvent: 0 } })
        .sort({ enteredAt: -1 })
        .limit(limit)
        .toArray();
      return docs.map(toEnrollment);
    },
  };
}

export type EnrollmentService = ReturnType<typeof enrollmentService>;
