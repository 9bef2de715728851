import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { anyOf, insertOnce } from './store.ts';

/**
 * One fact about a (segment, customer) timer: `signal` — it was sent a re-check at `at`, at `sentAt`;
 * `fired` — a re-check began at `at` (wall clock), before reading anything.
 */
export interface TimerMarkDoc {
  _id: string;
  segmentId: string;
  customerId: string;
  kind: 'signal' | 'fired';
  at: string;
  sentAt?: string;
}

/** Allowance for clocks of different processes disagreeing. */
const SKEW_MS = 5_000;

/**
 * Lets an evaluation skip signalling a timer that already holds an earlier re-check. The timer keeps the
 * earliest time it was signalled and, when it fires, forgets the rest and re-evaluates with the data of
 * then. So a signal sent after the last firing began, for a time still ahead, guarantees a re-evaluation
 * no later than that time which reads everything stored before it: an event stored before this check
 * needs no signal of its own for any later time. A firing not yet recorded reads data after this check.
 */
export function timerMarks(db: Db) {
  const marks = db.collection<TimerMarkDoc>(COLLECTIONS.segmentTimerMarks);
  return {
    load: (customerIds: string[]) => marks.find({ customerId: anyOf(customerIds) }).toArray(),

    /** Whether a re-check at `at` is already covered by a signal the timer still holds. */
    covered(loaded: TimerMarkDoc[], segmentId: string, customerId: string, at: string, now: Date): boolean {
      const own = loaded.filter((m) => m.segmentId === segmentId && m.customerId === customerId);
      const lastFired = Math.max(
        Number.NEGATIVE_INFINITY,
        ...own.filter((m) => m.kind === 'fired').map((m) => Date.parse(m.at)),
      );
      const wanted = Date.parse(at);
      return own.some(
        (m) =>
          m.kind === 'signal' &&
          Date.parse(m.at) <= wanted &&
          Date.parse(m.at) > now.getTime() + SKEW_MS &&
          Date.parse(m.sentAt as string) > lastFired + SKEW_MS,
      );
    },

    /** Records a signal the timer acknowledged; `sentAt` is from before it was sent. */
    signalled: (segmentId: string, customerId: string, at: string, sentAt: Date) =>
      insertOnce(marks, {
        _id: `${segmentId}:${customerId}:signal:${at}:${sentAt.toISOString()}`,
        segmentId,
        customerId,
        kind: 'signal',
        at,
        sentAt: sentAt.toISOString(),
      }),

    /** The timer's re-check begins: recorded before it reads, then the marks this makes useless go. */
    async fired(segmentId: string, customerId: string, now = new Date()) {
      const at = now.toISOString();
      await insertOnce(marks, {
        _id: `${segmentId}:${customerId}:fired:${at}`,
        segmentId,
        customerId,
        kind: 'fired',
        at,
      });
      const stale = new Date(now.getTime() - SKEW_MS).toISOString();
      await marks.deleteMany({ segmentId, customerId, kind: 'signal', sentAt: { $lt: stale } });
      await marks.deleteMany({ segmentId, customerId, kind: 'fired', at: { $lt: at } });
    },
  };
}

export type TimerMarks = ReturnType<typeof timerMarks>;
