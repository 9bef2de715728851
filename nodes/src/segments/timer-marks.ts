import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { inParallel, insertOnce } from './store.ts';

/**
 * One fact about a customer's segment clock: `signal` — it was sent a re-check at `at`, at `sentAt`;
 * `fired` — a re-check began at `at` (wall clock), before reading anything; `held` — the re-check that
 * began at `firedAt` left the clock sleeping until `at`. Marks with a `segmentId` are from the per-segment
 * timers of release 0.3 and cover nothing.
 */
export interface TimerMarkDoc {
  _id: string;
  customerId: string;
  kind: 'signal' | 'fired' | 'held';
  at: string;
  sentAt?: string;
  firedAt?: string;
  segmentId?: string;
}

const CUSTOMERS_IN_FLIGHT = 8;
/** Allowance for clocks of different processes disagreeing. */
const SKEW_MS = 5_000;

/**
 * Lets an evaluation skip signalling a customer's segment clock that will already wake no later than needed.
 * The clock keeps the earliest time it holds and, when it fires, forgets it and re-evaluates every
 * time-relative segment with the data of then. So a clock that holds a time still ahead, by a signal sent
 * after its last firing began or by that firing's own result, re-evaluates no later than that time and reads
 * everything stored before it: an event stored before this check needs no signal of its own for any later
 * time. A firing not yet recorded reads data after this check.
 */
export function timerMarks(db: Db) {
  const marks = db.collection<TimerMarkDoc>(COLLECTIONS.segmentTimerMarks);
  return {
    /** The customers' marks, by equality per customer (FerretDB reads the whole collection for a `$in`). */
    async load(customerIds: string[]): Promise<TimerMarkDoc[]> {
      const loaded: TimerMarkDoc[] = [];
      await inParallel(
        customerIds.map((customerId) => async () => {
          loaded.push(...(await marks.find({ customerId }).toArray()));
        }),
        CUSTOMERS_IN_FLIGHT,
      );
      return loaded;
    },

    /** Whether a re-check at `at` is already covered by a time the customer's clock still holds. */
    covered(loaded: TimerMarkDoc[], customerId: string, at: string, now: Date): boolean {
      const own = loaded.filter((m) => m.customerId === customerId && m.segmentId === undefined);
      const lastFired = Math.max(
        Number.NEGATIVE_INFINITY,
        ...own.filter((m) => m.kind === 'fired').map((m) => Date.parse(m.at)),
      );
      const wanted = Date.parse(at);
      const holds = (m: TimerMarkDoc) =>
        (m.kind === 'signal' && Date.parse(m.sentAt as string) > lastFired + SKEW_MS) ||
        (m.kind === 'held' && Date.parse(m.firedAt as string) === lastFired);
      return own.some(
        (m) => holds(m) && Date.parse(m.at) <= wanted && Date.parse(m.at) > now.getTime() + SKEW_MS,
      );
    },

    /** Records a signal the clock acknowledged; `sentAt` is from before it was sent. */
    signalled: (customerId: string, at: string, sentAt: Date) =>
      insertOnce(marks, {
        _id: `clock:${customerId}:signal:${at}:${sentAt.toISOString()}`,
        customerId,
        kind: 'signal',
        at,
        sentAt: sentAt.toISOString(),
      }),

    /** The clock's re-check begins: recorded before it reads, then the marks this makes useless go. */
    async fired(customerId: string, now = new Date()): Promise<string> {
      const at = now.toISOString();
      await insertOnce(marks, { _id: `clock:${customerId}:fired:${at}`, customerId, kind: 'fired', at });
      const stale = new Date(now.getTime() - SKEW_MS).toISOString();
      await Promise.all([
        marks.deleteMany({ customerId, kind: 'signal', sentAt: { $lt: stale } }),
        marks.deleteMany({ customerId, kind: 'held', firedAt: { $lt: at } }),
        marks.deleteMany({ customerId, kind: 'fired', at: { $lt: at } }),
      ]);
      return at;
    },

    /** The re-check that began at `firedAt` returned `at` to the clock, which sleeps until then. */
    held: (customerId: string, at: string, firedAt: string) =>
      insertOnce(marks, {
        _id: `clock:${customerId}:held:${firedAt}`,
        customerId,
        kind: 'held',
        at,
        firedAt,
      }),
  };
}

export type TimerMarks = ReturnType<typeof timerMarks>;
