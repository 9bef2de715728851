import {
  loadSnapshots,
  type MemberDoc,
  type MembershipItem,
  memberId,
  type SegmentDoc,
  type SegmentEvaluator,
  type SegmentMembership,
  segmentDefinition,
  timerMarks,
} from '@itinera/nodes/segments';
import { COLLECTIONS, decodeKey, SEGMENT_EVENTS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { EventDoc } from './event-parsing.ts';
import type { SegmentTimerScheduler } from './segment-timers.ts';

/** How stale a process's list of segments may be. */
export const SEGMENT_INDEX_TTL_MS = 1_000;
/**
 * A backfill waits this long after its segment changed, so that every process's list of segments has the
 * change by then: an event evaluated with the old list was stored before the backfill reads its customer.
 */
export const BACKFILL_SETTLE_MS = 3 * SEGMENT_INDEX_TTL_MS;
const TIMER_CALLS_IN_FLIGHT = 8;

/** The live rule segments, read from the store at most once per TTL (and again after a local change). */
export function segmentIndex(db: Db, ttlMs = SEGMENT_INDEX_TTL_MS) {
  const segments = db.collection<SegmentDoc>(COLLECTIONS.segments);
  let cached: { at: number; docs: Promise<SegmentDoc[]> } | null = null;
  return {
    get(): Promise<SegmentDoc[]> {
      if (cached && Date.now() - cached.at < ttlMs) return cached.docs;
      const docs = segments.find({ kind: 'rules', deleted: { $ne: true } }).toArray();
      cached = { at: Date.now(), docs };
      docs.catch(() => {
        cached = null;
      });
      return docs;
    },
    invalidate() {
      cached = null;
    },
  };
}

/**
 * The segments an event can change: those reading its event or one of the traits it sets; for a
 * `segment_entered` / `segment_exited` event only those that refer to that segment.
 */
export function affectedBy(
  docs: SegmentDoc[],
  doc: Pick<EventDoc, 'event' | 'properties' | 'traits'>,
): SegmentDoc[] {
  const traits = new Set(Object.keys(doc.traits ?? {}).map(decodeKey));
  const changed =
    doc.event === SEGMENT_EVENTS.entered || doc.event === SEGMENT_EVENTS.exited
      ? (doc.properties as { segment?: unknown } | undefined)?.segment
      : undefined;
  return docs.filter((s) =>
    typeof changed === 'string'
      ? s.reads.segments.includes(changed)
      : s.reads.events.includes(doc.event) || s.reads.traits.some((t) => traits.has(t)),
  );
}

/** A segment after every segment (of the same list) it refers to; references form no cycles. */
function dependencyOrder(docs: SegmentDoc[]): SegmentDoc[] {
  const byId = new Map(docs.map((d) => [d._id, d]));
  const ordered: SegmentDoc[] = [];
  const placed = new Set<string>();
  const place = (doc: SegmentDoc) => {
    if (placed.has(doc._id)) return;
    placed.add(doc._id);
    for (const ref of doc.reads.segments) {
      const dependency = byId.get(ref);
      if (dependency) place(dependency);
    }
    ordered.push(doc);
  };
  for (const doc of docs) place(doc);
  return ordered;
}

/** `segments`, then every segment of `all` that refers to one of them, directly or through others. */
function withReferrers(segments: SegmentDoc[], all: SegmentDoc[]): SegmentDoc[] {
  const ids = new Set(segments.map((s) => s._id));
  const closure = [...segments];
  for (let grew = true; grew; ) {
    grew = false;
    for (const doc of all)
      if (!ids.has(doc._id) && doc.reads.segments.some((ref) => ids.has(ref))) {
        ids.add(doc._id);
        closure.push(doc);
        grew = true;
      }
  }
  return closure;
}

async function inParallel(tasks: (() => Promise<void>)[], width: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) await tasks[next++]();
    }),
  );
}

/**
 * Evaluates segments for customers and applies the results: one read per collection for all of them
 * (loadSnapshots), segments after those they refer to, then the durable timers of time-relative results
 * that the timer does not already hold an earlier re-check for (timerMarks).
 */
export function segmentRefresher(
  db: Db,
  evaluator: SegmentEvaluator,
  membership: SegmentMembership,
  schedule?: SegmentTimerScheduler,
) {
  const marks = timerMarks(db);
  /**
   * With `referrers` (every live segment), a segment of that list that refers to a changed one is evaluated
   * in the same pass, so the pass's segment events need not reach segments again.
   */
  return async (
    segments: SegmentDoc[],
    customerIds: string[],
    cause: string,
    options: { now?: Date; referrers?: SegmentDoc[] } = {},
  ) => {
    if (segments.length === 0 || customerIds.length === 0) return;
    const now = options.now ?? new Date();
    const asked = new Set(segments.map((s) => s._id));
    const ordered = dependencyOrder(
      options.referrers ? withReferrers(segments, options.referrers) : segments,
    ).map((doc) => ({ doc, definition: segmentDefinition(doc) }));
    const rules = ordered.flatMap(({ definition }) => (definition.rules ? [definition.rules] : []));
    const timed = schedule && ordered.some(({ doc }) => doc.reads.timeRelative);
    const [snapshots, signals] = await Promise.all([
      loadSnapshots(db, customerIds, rules, now),
      timed ? marks.load(customerIds) : [],
    ]);
    const timers: (() => Promise<void>)[] = [];
    const items: MembershipItem[] = [];
    for (const customerId of customerIds) {
      const snapshot = snapshots.get(customerId);
      if (!snapshot) continue;
      const changed = new Set<string>();
      for (const { doc, definition } of ordered) {
        if (!asked.has(doc._id) && !doc.reads.segments.some((ref) => changed.has(ref))) continue;
        const evaluation = await evaluator.evaluate(definition, customerId, now, snapshot);
        if (evaluation.member !== snapshot.members.has(doc._id)) changed.add(doc._id);
        const known = snapshot.members.get(doc._id) ?? null;
        items.push({ segment: definition, customerId, evaluation, known });
        // Later segments of this pass that refer to this one see the change it is about to make.
        if (known && !evaluation.member) snapshot.members.delete(doc._id);
        if (!known && evaluation.member) {
          const member: MemberDoc = {
            _id: memberId(doc._id, customerId),
            segmentId: doc._id,
            customerId,
            enteredAt: now.toISOString(),
            cause,
          };
          snapshot.members.set(doc._id, member);
        }
        const at = evaluation.nextCheckAt;
        if (at && doc.reads.timeRelative && schedule && !marks.covered(signals, doc._id, customerId, at, now))
          timers.push(async () => {
            const sentAt = new Date();
            await schedule(doc._id, customerId, at);
            await marks.signalled(doc._id, customerId, at, sentAt);
          });
      }
    }
    await membership.applyMany(items, cause, now, { referrersEvaluated: !!options.referrers });
    await inParallel(timers, TIMER_CALLS_IN_FLIGHT);
  };
}
