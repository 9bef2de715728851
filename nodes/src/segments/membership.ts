import { COLLECTIONS, SEGMENT_EVENTS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { Evaluation, SegmentDefinition } from './evaluate.ts';
import { deleteEach, insertEach } from './store.ts';

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

/** One `segment_entered` / `segment_exited` event; the message id makes a repeat a no-op. */
export interface SegmentEvent {
  customerId: string;
  event: string;
  properties: { segment: string; name: string };
  messageId: string;
}

export interface EmitOptions {
  /** Every segment referring to those changed was evaluated in the same pass: the events need not reach them. */
  referrersEvaluated?: boolean;
}

/** Sends segment events through ingestion, all of one pass at once. */
export type SegmentEventEmitter = (events: SegmentEvent[], options?: EmitOptions) => Promise<void>;

/** One evaluation to bring membership in line with; `known` is the membership as just read (null: none). */
export interface MembershipItem {
  segment: SegmentDefinition;
  customerId: string;
  evaluation: Evaluation;
  known: MemberDoc | null;
}

export const memberId = (segmentId: string, customerId: string) => `${segmentId}:${customerId}`;

/**
 * Membership as one document per fact. Entering is a unique insert; leaving records the exit (claimed by
 * its unique id) before deleting, so a process dying anywhere leaves work that a retry of the same cause
 * finishes, and every change is recorded and emitted once. A pass writes each kind of document in one
 * command, however many segments and customers changed.
 */
export function segmentMembership(db: Db, emit: SegmentEventEmitter) {
  const members = db.collection<MemberDoc>(COLLECTIONS.segmentMembers);
  const changes = db.collection<ChangeDoc>(COLLECTIONS.segmentChanges);

  const changeOf = (
    segment: SegmentDefinition,
    member: MemberDoc,
    kind: ChangeDoc['kind'],
    reason: string,
    at: string,
  ): { doc: ChangeDoc; event: SegmentEvent } => {
    const _id = `${member._id}:${kind}:${member.enteredAt}`;
    return {
      doc: { _id, segmentId: segment.id, customerId: member.customerId, kind, at, reason },
      event: {
        customerId: member.customerId,
        event: SEGMENT_EVENTS[kind],
        properties: { segment: segment.id, name: segment.name },
        messageId: _id,
      },
    };
  };

  const record = async (recorded: { doc: ChangeDoc; event: SegmentEvent }[], options?: EmitOptions) => {
    if (recorded.length === 0) return;
    await insertEach(
      changes,
      recorded.map((r) => r.doc),
    );
    await emit(
      recorded.map((r) => r.event),
      options,
    );
  };

  /**
   * Claims membership for every (segment, customer) given, under one cause: the member documents this call
   * inserted, or that a retry of the same cause inserted; null where the customer was already a member.
   */
  const claimEntries = async (
    entries: { segment: SegmentDefinition; customerId: string; known?: MemberDoc }[],
    cause: string,
    now: Date,
  ): Promise<(MemberDoc | null)[]> => {
    const fresh = entries.map(({ segment, customerId, known }) =>
      known
        ? null
        : {
            _id: memberId(segment.id, customerId),
            segmentId: segment.id,
            customerId,
            enteredAt: now.toISOString(),
            cause,
          },
    );
    const inserted = await insertEach(
      members,
      fresh.filter((m): m is MemberDoc => m !== null),
    );
    let next = 0;
    const entered: (MemberDoc | null)[] = [];
    for (const [i, { known }] of entries.entries()) {
      const doc = fresh[i];
      if (!doc) entered.push(known ?? null);
      else if (inserted[next++]) entered.push(doc);
      else {
        // Already a member: only a retry of the same cause finishes recording that entry.
        const member = await members.findOne({ _id: doc._id });
        entered.push(member?.cause === cause ? member : null);
      }
    }
    return entered;
  };

  /**
   * Enters and leaves in one pass: the entries are claimed first, then every change is recorded and emitted
   * at once, and only then do the leaving members go, so a process dying anywhere leaves work that a retry of
   * the same cause finishes.
   */
  const change = async (
    entries: { segment: SegmentDefinition; customerId: string; reason: string; known?: MemberDoc }[],
    leaving: { segment: SegmentDefinition; member: MemberDoc; reason: string }[],
    cause: string,
    now: Date,
    options?: EmitOptions,
  ): Promise<boolean[]> => {
    const entered = await claimEntries(entries, cause, now);
    await record(
      [
        ...entries.flatMap(({ segment, reason }, i) => {
          const member = entered[i];
          return member ? [changeOf(segment, member, 'entered', reason, member.enteredAt)] : [];
        }),
        ...leaving.map(({ segment, member, reason }) =>
          changeOf(segment, member, 'exited', reason, now.toISOString()),
        ),
      ],
      options,
    );
    await deleteEach(
      members,
      leaving.map(({ member }) => ({ _id: member._id, enteredAt: member.enteredAt })),
    );
    return entered.map((m) => m !== null);
  };

  const enter = async (
    segment: SegmentDefinition,
    customerId: string,
    reason: string,
    cause: string,
    now = new Date(),
  ) => (await change([{ segment, customerId, reason }], [], cause, now))[0];

  return {
    enter,
    async leaveById(segment: SegmentDefinition, customerId: string, reason: string) {
      const member = await members.findOne({ _id: memberId(segment.id, customerId) });
      if (!member) return false;
      await change([], [{ segment, member, reason }], '', new Date());
      return true;
    },

    /**
     * Brings membership in line with every evaluation of one pass (one cause); returns the change made for
     * each, if any. `now` is the moment of the evaluation: a timer's, so a change is recorded when it happened.
     */
    async applyMany(
      items: MembershipItem[],
      cause: string,
      now = new Date(),
      options?: EmitOptions,
    ): Promise<(ChangeDoc['kind'] | null)[]> {
      const result: (ChangeDoc['kind'] | null)[] = items.map(() => null);
      const entering: number[] = [];
      const leaving: number[] = [];
      for (const [i, { evaluation, known }] of items.entries()) {
        if (evaluation.member && (!known || known.cause === cause)) entering.push(i);
        else if (!evaluation.member && known) leaving.push(i);
      }
      const entered = await change(
        entering.map((i) => {
          const { segment, customerId, evaluation, known } = items[i];
          return { segment, customerId, reason: evaluation.reason, ...(known ? { known } : {}) };
        }),
        leaving.map((i) => ({
          segment: items[i].segment,
          member: items[i].known as MemberDoc,
          reason: items[i].evaluation.reason,
        })),
        cause,
        now,
        options,
      );
      for (const [k, i] of entering.entries()) if (entered[k]) result[i] = 'entered';
      for (const i of leaving) result[i] = 'exited';
      return result;
    },

    /** Brings membership in line with one evaluation (membership read here when `known` is not given). */
    async apply(
      segment: SegmentDefinition,
      customerId: string,
      evaluation: Evaluation,
      cause: string,
      now = new Date(),
      known?: MemberDoc | null,
    ): Promise<ChangeDoc['kind'] | null> {
      const member =
        known !== undefined ? known : await members.findOne({ _id: memberId(segment.id, customerId) });
      return (await this.applyMany([{ segment, customerId, evaluation, known: member }], cause, now))[0];
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
