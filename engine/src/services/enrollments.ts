import {
  COLLECTIONS,
  type CustomerEvent,
  ENROLLMENT_WORKFLOW,
  type Enrollment,
  type EnrollmentInput,
  enrollmentWorkflowId,
  filterHolds,
  type Journey,
  SIGNALS,
} from '@itinera/schemas';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { type Db, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { JourneyService } from './journeys.ts';

type EnrollmentDoc = Omit<Enrollment, 'id'> & {
  _id: string;
  journeyName: string;
  triggerEvent?: CustomerEvent | null;
};

interface TriggerConfig {
  kind: 'event' | 'api';
  event?: string;
  where?: [];
  reentry: 'once' | 'after_exit' | 'concurrent';
  entryLimit?: number;
}

export interface TemporalTarget {
  client: Client;
  taskQueue: string;
}

export type EntryOutcome = { entered: true; enrollmentId: string } | { entered: false; reason: string };

const DUPLICATE_KEY = 11000;

function toEnrollment({ _id, ...rest }: EnrollmentDoc): Enrollment & { journeyName: string } {
  return { id: _id, ...rest };
}

export function enrollmentService(db: Db, journeys: JourneyService, temporal: TemporalTarget) {
  const enrollments = db.collection<EnrollmentDoc>(COLLECTIONS.enrollments);
  const journeyDocs = db.collection(COLLECTIONS.journeys);

  /** Reserves a place under the journey's entry limit; false when the limit is reached. */
  const reserveEntry = async (journeyId: string, limit: number | undefined): Promise<boolean> => {
    const filter = limit
      ? { _id: journeyId as never, $or: [{ entered: { $exists: false } }, { entered: { $lt: limit } }] }
      : { _id: journeyId as never };
    const result = await journeyDocs.updateOne(filter, { $inc: { entered: 1 } });
    return result.modifiedCount === 1;
  };

  const entryKeyFor = async (
    journeyId: string,
    customerId: string,
    config: TriggerConfig,
    entryId: string,
  ) => {
    if (config.reentry === 'once') return { key: 'once', entryNumber: 1 };
    if (config.reentry === 'concurrent') {
      return {
        key: `m-${entryId}`,
        entryNumber: (await enrollments.countDocuments({ journeyId, customerId })) + 1,
      };
    }
    const active = await enrollments.findOne({ journeyId, customerId, status: 'active' });
    if (active) return active.triggerMessageId === entryId ? { key: null, existing: active } : null;
    const entryNumber = (await enrollments.countDocuments({ journeyId, customerId })) + 1;
    return { key: `n${entryNumber}`, entryNumber };
  };

  /** Starts the workflow if needed and hands it the event; safe to repeat. */
  const deliver = async (enrollment: EnrollmentDoc, event: CustomerEvent | null) => {
    const version = await journeys.version(enrollment.journeyId, enrollment.version);
    const input: EnrollmentInput = {
      enrollmentId: enrollment._id,
      customerId: enrollment.customerId,
      journey: {
        id: version.journeyId,
        version: version.version,
        name: version.name,
        graph: version.graph,
        settings: version.settings,
      },
      trigger: enrollment.triggerEvent ?? null,
    };
    const options = {
      workflowId: enrollment._id,
      taskQueue: temporal.taskQueue,
      args: [input] as [EnrollmentInput],
    };
    try {
      if (event) {
        await temporal.client.workflow.signalWithStart(ENROLLMENT_WORKFLOW, {
          ...options,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          signal: SIGNALS.event,
          signalArgs: [event],
        });
      } else {
        await temporal.client.workflow.start(ENROLLMENT_WORKFLOW, {
          ...options,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      }
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };

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
      if (trigger && !filterHolds(trigger.properties, config.where))
        return { entered: false, reason: 'trigger filter did not match' };

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
        if (existing.status === 'active') await deliver(existing, null);
        return { entered: true, enrollmentId: id };
      }
      if (!(await reserveEntry(journey.id, config.entryLimit)))
        return { entered: false, reason: 'entry limit reached' };
      const now = new Date().toISOString();
      const doc: EnrollmentDoc = {
        _id: id,
        journeyId: journey.id,
        journeyName: version.name,
        version: version.version,
        customerId,
        entryNumber: entry.entryNumber ?? 1,
        status: 'active',
        currentNodeId: triggerNode?.id ?? null,
        nextWakeAt: null,
        waitingFor: null,
        enteredAt: now,
        endedAt: null,
        endReason: null,
        triggerMessageId: entryId,
        triggerEvent: trigger,
      };
      try {
        await enrollments.insertOne(doc);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        await journeyDocs.updateOne({ _id: journey.id as never }, { $inc: { entered: -1 } });
        return { entered: false, reason: 'customer entered concurrently' };
      }
      await deliver(doc, null);
      return { entered: true, enrollmentId: id };
    },

    /** Hands an accepted event to every active enrollment of the customer, starting any not yet running. */
    async deliverEvent(event: CustomerEvent): Promise<number> {
      const active = await enrollments.find({ customerId: event.customerId, status: 'active' }).toArray();
      for (const enrollment of active) await deliver(enrollment, event);
      return active.length;
    },

    async exit(id: string, reason: string): Promise<Enrollment> {
      const doc = await enrollments.findOne({ _id: id });
      if (!doc) throw new HttpError(404, `Enrollment "${id}" does not exist`, 'id');
      if (doc.status !== 'active') throw new HttpError(409, `Enrollment is already ${doc.status}`, 'status');
      try {
        await temporal.client.workflow.getHandle(id).signal(SIGNALS.exit, { reason });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        const endedAt = new Date().toISOString();
        await enrollments.updateOne(
          { _id: id },
          { $set: { status: 'exited', endedAt, endReason: `Exited by request: ${reason}` } },
        );
      }
      return toEnrollment(doc);
    },

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
