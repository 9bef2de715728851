import {
  COLLECTIONS,
  type CustomerEvent,
  decodeStored,
  ENROLLMENT_WORKFLOW,
  type Enrollment,
  type EnrollmentInput,
  encodeStored,
  enrollmentWorkflowId,
  filterHolds,
  type Journey,
  KeyedLock,
  SIGNALS,
} from '@itinera/schemas';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { type Db, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { JourneyService } from './journeys.ts';

type EnrollmentDoc = Omit<Enrollment, 'id'> & {
  _id: string;
  journeyName: string;
  /** Stored encoded (see stored-json.ts): event properties may hold any JSON. */
  triggerEvent?: unknown;
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

interface EntryDoc {
  _id: string;
  /** Every enrollment of this customer in this journey, oldest first. */
  ids: string[];
}

export function enrollmentService(db: Db, journeys: JourneyService, temporal: TemporalTarget) {
  const enrollments = db.collection<EnrollmentDoc>(COLLECTIONS.enrollments);
  const entries = db.collection<EntryDoc>(COLLECTIONS.entries);
  const customerEnrollments = db.collection<{ _id: string; ids: string[] }>(COLLECTIONS.customerEnrollments);
  const entryCounts = db.collection<{ _id: string; entered: number }>(COLLECTIONS.entryCounts);
  const locks = new KeyedLock();

  /** Counts the entry against the journey's limit; false when the limit is reached. */
  const reserveEntry = (journeyId: string, limit: number | undefined) =>
    locks.run(`journey:${journeyId}`, async () => {
      const counted = await entryCounts.findOne({ _id: journeyId });
      if (limit && (counted?.entered ?? 0) >= limit) return false;
      await entryCounts.updateOne(
        { _id: journeyId },
        { $set: { entered: (counted?.entered ?? 0) + 1 } },
        { upsert: true },
      );
      return true;
    });

  const releaseEntry = (journeyId: string) =>
    locks.run(`journey:${journeyId}`, async () => {
      const counted = await entryCounts.findOne({ _id: journeyId });
      await entryCounts.updateOne(
        { _id: journeyId },
        { $set: { entered: Math.max(0, (counted?.entered ?? 1) - 1) } },
      );
    });

  /** Decides the enrollment id for this entry; every lookup is by id so it stays fast on any Mongo-wire store. */
  const entryKeyFor = async (
    journeyId: string,
    customerId: string,
    config: TriggerConfig,
    entryId: string,
  ) => {
    if (config.reentry === 'once') return { key: 'once', entryNumber: 1 };
    const entry = await entries.findOne({ _id: `${journeyId}:${customerId}` });
    const entryNumber = (entry?.ids.length ?? 0) + 1;
    if (config.reentry === 'concurrent') return { key: `m-${entryId}`, entryNumber };
    const latest = entry?.ids.at(-1);
    const active = latest ? await enrollments.findOne({ _id: latest, status: 'active' }) : null;
    if (active) return active.triggerMessageId === entryId ? { key: null, existing: active } : null;
    return { key: `n${entryNumber}`, entryNumber };
  };

  /** Records the new enrollment where later triggers (after_exit) and events (every mode) look for it by id. */
  /** Records the enrollment where later triggers and events look for it by id; safe to repeat after a crash. */
  const rememberEnrollment = async (doc: EnrollmentDoc, reentry: TriggerConfig['reentry']) => {
    if (reentry === 'after_exit') {
      const entryId = `${doc.journeyId}:${doc.customerId}`;
      const ids = (await entries.findOne({ _id: entryId }))?.ids ?? [];
      if (!ids.includes(doc._id)) {
        await entries.updateOne({ _id: entryId }, { $set: { ids: [...ids, doc._id] } }, { upsert: true });
      }
    }
    const ids = (await customerEnrollments.findOne({ _id: doc.customerId }))?.ids ?? [];
    if (!ids.includes(doc._id)) {
      await customerEnrollments.updateOne(
        { _id: doc.customerId },
        { $set: { ids: [...ids, doc._id] } },
        { upsert: true },
      );
    }
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
      trigger: (decodeStored(enrollment.triggerEvent ?? null) as CustomerEvent | null) ?? null,
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
        // A retry of the same trigger: finish whatever a crash may have left undone.
        if (existing.status === 'active') {
          await rememberEnrollment(existing, config.reentry);
          await deliver(existing, null);
        }
        return { entered: true, enrollmentId: id };
      }
      const triggerNodeId = triggerNode?.id ?? 'trigger';
      if (!(await reserveEntry(journey.id, config.entryLimit))) {
        return { entered: false, reason: 'entry limit reached' };
      }
      const now = new Date().toISOString();
      const doc: EnrollmentDoc = {
        _id: id,
        journeyId: journey.id,
        journeyName: version.name,
        version: version.version,
        customerId,
        entryNumber: entry.entryNumber ?? 1,
        status: 'active',
        currentNodeId: triggerNodeId,
        nextWakeAt: null,
        waitingFor: null,
        enteredAt: now,
        endedAt: null,
        endReason: null,
        triggerMessageId: entryId,
        triggerEvent: encodeStored(trigger, 'trigger'),
      };
      try {
        await enrollments.insertOne(doc);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
        await releaseEntry(journey.id);
        return { entered: false, reason: 'customer entered concurrently' };
      }
      await rememberEnrollment(doc, config.reentry);
      await deliver(doc, null);
      return { entered: true, enrollmentId: id };
    },

    /** Hands an accepted event to every active enrollment of the customer, starting any not yet running. */
    async deliverEvent(event: CustomerEvent, skip: ReadonlySet<string> = new Set()): Promise<number> {
      const mine = await customerEnrollments.findOne({ _id: event.customerId });
      if (!mine || mine.ids.length === 0) return 0;
      // One lookup per id: FerretDB scans the whole collection for `$in`.
      const docs = await Promise.all(mine.ids.map((_id) => enrollments.findOne({ _id })));
      const active = docs.filter((doc): doc is EnrollmentDoc & { _id: string } => doc?.status === 'active');
      if (active.length < mine.ids.length) {
        const ids = active.map((doc) => doc._id);
        await customerEnrollments.updateOne({ _id: event.customerId }, { $set: { ids } });
      }
      for (const enrollment of active) if (!skip.has(enrollment._id)) await deliver(enrollment, event);
      return active.length;
    },

    /** Runs work that changes a customer's enrollment bookkeeping, one task per customer at a time. */
    forCustomer: <T>(customerId: string, task: () => Promise<T>) => locks.run(`customer:${customerId}`, task),

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
