import { isErased, tombstoneId } from '@itinera/nodes/segments';
import { subscriptionStore } from '@itinera/nodes/send';
import { COLLECTIONS, segmentClockId } from '@itinera/schemas';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db, Document } from 'mongodb';
import type { EnrollmentService, TemporalTarget } from './enrollments.ts';

type Doc = Document & { _id: string };
const strip = (docs: Doc[]) => docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));

/** Subject access (export) and erasure of everything held about one customer. */
export function erasureService(db: Db, temporal: TemporalTarget, enrollments: EnrollmentService) {
  const c = (name: keyof typeof COLLECTIONS) => db.collection<Doc>(COLLECTIONS[name]);
  const tombstones = c('erasedCustomers');

  const held = async (customerId: string) => {
    const enrollmentDocs = await c('enrollments').find({ customerId }).toArray();
    const enrollmentIds = enrollmentDocs.map((e) => e._id);
    const [profile, events, steps, messages, deliveries, subscriptions, deliveryLog, promoCodes, aliases] =
      await Promise.all([
        c('profiles').findOne({ _id: customerId }),
        c('events').find({ customerId }).toArray(),
        c('steps')
          .find({ $or: [{ customerId }, { enrollmentId: { $in: enrollmentIds } }] })
          .toArray(),
        c('messages').find({ customerId }).toArray(),
        c('deliveries').find({ customerId }).toArray(),
        subscriptionStore(db).read(customerId),
        c('capSlots').find({ customerId }).toArray(),
        c('promoAssignments').find({ customerId }).toArray(),
        c('aliases').find({ customerId }).toArray(),
      ]);
    return {
      enrollmentDocs,
      profile,
      events,
      steps,
      messages,
      deliveries,
      subscriptions,
      deliveryLog,
      promoCodes,
      aliases,
    };
  };

  /** Provider receipts about the customer's messages and the addresses they suppressed. */
  const deliveryReceiptsOf = async (customerId: string) => {
    const [receipts, suppressions] = await Promise.all([
      c('receipts').find({ customerId }).toArray(),
      c('suppressions').find({ customerId }).toArray(),
    ]);
    return { deliveryReceipts: strip(receipts), suppressions: strip(suppressions) };
  };

  /** The segments the customer is in, and every entry and exit recorded with its reason. */
  const segmentsOf = async (customerId: string) => {
    const [members, changes] = await Promise.all([
      c('segmentMembers')
        .find({ customerId }, { projection: { _id: 0, customerId: 0 } })
        .toArray(),
      c('segmentChanges')
        .find({ customerId }, { projection: { _id: 0, customerId: 0 } })
        .toArray(),
    ]);
    return { segments: members, segmentChanges: changes };
  };

  /** Ends a workflow of the customer's, if it still runs. */
  const terminate = (workflowId: string) =>
    temporal.client.workflow
      .getHandle(workflowId)
      .terminate('customer erased')
      .catch((error) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });

  return {
    isErased: (customerId: string): Promise<boolean> => isErased(db, customerId),
    /** Which of these ids belong to erased customers; one indexed read for a whole batch. */
    async erasedAmong(customerIds: string[]): Promise<Set<string>> {
      if (customerIds.length === 0) return new Set();
      const byHash = new Map(customerIds.map((id) => [tombstoneId(id), id]));
      const found = await tombstones
        .find({ _id: { $in: [...byHash.keys()] } }, { projection: { _id: 1 } })
        .toArray();
      return new Set(found.map((t) => byHash.get(t._id)!));
    },
    /** Lifts the tombstone so events may create the customer again (an explicit opt-in). */
    async recreate(customerId: string): Promise<void> {
      await tombstones.deleteOne({ _id: tombstoneId(customerId) });
    },

    /** Everything held about a customer (subject access request); null when nothing is held. */
    async exportCustomer(customerId: string) {
      const h = await held(customerId);
      const { _id: _, ...profile } = h.profile ?? { _id: customerId };
      const empty = !h.profile && h.events.length === 0 && h.enrollmentDocs.length === 0;
      const consent =
        Object.keys(h.subscriptions.channels).length + Object.keys(h.subscriptions.topics).length;
      if (empty && consent === 0 && h.messages.length === 0) return null;
      return {
        customerId,
        exportedAt: new Date().toISOString(),
        profile: h.profile ? profile : null,
        events: strip(h.events),
        enrollments: strip(h.enrollmentDocs),
        steps: strip(h.steps),
        messages: strip(h.messages),
        deliveries: strip(h.deliveries),
        subscriptions: consent > 0 ? h.subscriptions : null,
        recentSends: h.deliveryLog.map(({ channel, at }) => ({ channel, at })),
        promoCodes: strip(h.promoCodes),
        aliases: h.aliases.map((a) => a._id),
        ...(await deliveryReceiptsOf(customerId)),
        ...(await segmentsOf(customerId)),
      };
    },

    /**
     * Ends the customer's workflows and deletes what is held about them, leaving a tombstone (a hash of
     * the id) so later events do not silently re-create them. Idempotent: a retry finishes the job.
     */
    async erase(customerId: string) {
      const erasedAt = new Date().toISOString();
      await tombstones.updateOne({ _id: tombstoneId(customerId) }, { $set: { erasedAt } }, { upsert: true });
      const h = await held(customerId);
      for (const enrollment of h.enrollmentDocs.filter((e) => e.status === 'active'))
        await terminate(enrollment._id);
      // Before its marks and memberships go: a re-check would otherwise re-create them.
      await terminate(segmentClockId(customerId));
      const ids = (docs: Doc[]) => ({ _id: { $in: docs.map((d) => d._id) } });
      const enrollmentIds = h.enrollmentDocs.map((e) => e._id);
      const results = await Promise.all([
        c('steps').deleteMany(ids(h.steps)),
        c('enrollments').deleteMany({ customerId }),
        // An entry slot stays taken (the journey's limit counted this entry) but no longer names the customer.
        ...enrollmentIds.map((id) =>
          c('entrySlots').updateOne(
            { enrollmentId: id },
            { $set: { enrollmentId: `erased:${tombstoneId(id)}` } },
          ),
        ),
        c('pendingRoutes').deleteMany(ids(h.events)),
        c('events').deleteMany({ customerId }),
        c('messages').deleteMany({ customerId }),
        c('deliveries').deleteMany({ customerId }),
        c('profiles').deleteOne({ _id: customerId }),
        c('recentCustomers').deleteMany({
          customerId: { $in: [customerId, ...h.aliases.map((a) => a._id)] },
        }),
        c('subscriptions').deleteMany({ $or: [{ customerId }, { _id: customerId }] }),
        c('capSlots').deleteMany({ customerId }),
        c('receipts').deleteMany({ customerId }),
        c('suppressions').deleteMany({ customerId }),
        c('computedValues').deleteMany({ customerId }),
        c('segmentMembers').deleteMany({ customerId }),
        c('segmentChanges').deleteMany({ customerId }),
        c('segmentTimerMarks').deleteMany({ customerId }),
        c('aliases').deleteMany(ids(h.aliases)),
        // An anonymous id merged into this customer is theirs too: whatever is still stored under it goes.
        c('events').deleteMany({ customerId: { $in: h.aliases.map((a) => a._id) } }),
        c('profiles').deleteMany(ids(h.aliases)),
        c('broadcastRecipients').deleteMany({ customerId }),
        // A claimed code stays claimed (it must never be handed out twice), but no longer names the customer.
        c('promoAssignments').updateMany({ customerId }, { $unset: { customerId: '' } }),
      ]);
      const deleted = results.reduce(
        (sum, r) => sum + ('deletedCount' in r ? r.deletedCount : r.modifiedCount),
        0,
      );
      return { erased: true as const, erasedAt, records: deleted };
    },
  };
}

export type ErasureService = ReturnType<typeof erasureService>;
