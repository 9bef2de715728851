import { COLLECTIONS, SEGMENT_EVENTS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { Evaluation, SegmentDefinition } from './evaluate.ts';
import { insertOnce } from './store.ts';

/** One member: `_id` is `<segmentId>:<customerId>`; `cause` is what made them enter (an event id, a backfill). */
export interface MemberDoc {
  _id: string;
  segmentId: string;
  customerId: string;
  enteredAt: string;
  cause: string;
}

export interface ChangeDoc {
  /** `<segmentId>:<customerId>:<kind>:<enteredAt of the membership>`: one record per change, however often retried. */
  _id: string;
  segmentId: string;
  customerId: string;
  kind: 'entered' | 'exited';
  at: string;
  reason: string;
}

/** Sends `segment_entered` / `segment_exited` through ingestion; the message id makes a repeat a no-op. */
export type SegmentEventEmitter = (
  customerId: string,
  event: string,
  properties: { segment: string; name: string },
  messageId: string,
) => Promise<void>;

export const memberId = (segmentId: string, customerId: string) => `${segmentId}:${customerId}`;

/**
 * Membership as one document per fact. Entering is a unique insert; leaving records the exit (claimed by
 * its unique id) before deleting, so a process dying anywhere leaves work that a retry of the same cause
 * finishes, and every change is recorded and emitted once.
 */
export function segmentMembership(db: Db, emit: SegmentEventEmitter) {
  const members = db.collection<MemberDoc>(COLLECTIONS.segmentMembers);
  const changes = db.collection<ChangeDoc>(COLLECTIONS.segmentChanges);

  const record = async (
    segment: SegmentDefinition,
    member: MemberDoc,
    kind: ChangeDoc['kind'],
    reason: string,
    at: string,
  ) => {
    const _id = `${member._id}:${kind}:${member.enteredAt}`;
    await insertOnce(changes, {
      _id,
      segmentId: segment.id,
      customerId: member.customerId,
      kind,
      at,
      reason,
    });
    await emit(member.customerId, SEGMENT_EVENTS[kind], { segment: segment.id, name: segment.name }, _id);
  };

  const enter = async (
    segment: SegmentDefinition,
    customerId: string,
    reason: string,
    cause: string,
    now = new Date(),
  ) => {
    const doc: MemberDoc = {
      _id: memberId(segment.id, customerId),
      segmentId: segment.id,
      customerId,
      enteredAt: now.toISOString(),
      cause,
    };
    let member: MemberDoc | null = doc;
    if (!(await insertOnce(members, doc))) {
      // Already a member: only a retry of the same cause finishes recording that entry.
      member = await members.findOne({ _id: doc._id });
      if (member?.cause !== cause) return false;
    }
    await record(segment, member, 'entered', reason, member.enteredAt);
    return true;
  };

  const leave = async (segment: SegmentDefinition, member: MemberDoc, reason: string, now = new Date()) => {
    await record(segment, member, 'exited', reason, now.toISOString());
    await members.deleteOne({ _id: member._id, enteredAt: member.enteredAt });
    return true;
  };

  return {
    enter,
    async leaveById(segment: SegmentDefinition, customerId: string, reason: string) {
      const member = await members.findOne({ _id: memberId(segment.id, customerId) });
      return member ? leave(segment, member, reason) : false;
    },

    /** Brings membership in line with an evaluation; returns the change it made, if any. */
    async apply(
      segment: SegmentDefinition,
      customerId: string,
      evaluation: Evaluation,
      cause: string,
      /** The moment of the evaluation: a timer's, so a change is recorded when it happened. */
      now = new Date(),
      /** The membership as just read (null: none), when the caller has it; else it is read here. */
      known?: MemberDoc | null,
    ): Promise<ChangeDoc['kind'] | null> {
      const member =
        known !== undefined ? known : await members.findOne({ _id: memberId(segment.id, customerId) });
      if (evaluation.member) {
        if (member && member.cause !== cause) return null;
        return (await enter(segment, customerId, evaluation.reason, cause, now)) ? 'entered' : null;
      }
      return member && (await leave(segment, member, evaluation.reason, now)) ? 'exited' : null;
    },

    /** A page of members ordered by customer id; pass the last id as `after` for the next. */
    async list(segmentId: string, after: string | undefined, limit: number) {
      const filter = after ? { segmentId, _id: { $gt: memberId(segmentId, after) } } : { segmentId };
      const docs = await members.find(filter).sort({ _id: 1 }).limit(limit).toArray();
      return docs.map(({ customerId, enteredAt }) => ({ customerId, enteredAt }));
    },

    /** The segments a customer is in, and their entered/exited timeline (newest first). */
    async ofCustomer(customerId: string, limit = 100) {
      const [memberships, timeline] = await Promise.all([
        members.find({ customerId }).sort({ enteredAt: -1 }).limit(limit).toArray(),
        changes.find({ customerId }).sort({ at: -1 }).limit(limit).toArray(),
      ]);
      return {
        memberships: memberships.map(({ segmentId, enteredAt }) => ({ segmentId, enteredAt })),
        changes: timeline.map(({ _id: _, ...change }) => change),
      };
    },

    /** Removes every member of a deleted segment, without recording exits. */
    async clear(segmentId: string) {
      await members.deleteMany({ segmentId });
    },
  };
}

export type SegmentMembership = ReturnType<typeof segmentMembership>;
