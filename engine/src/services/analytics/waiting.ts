import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { StepDoc } from './facts.ts';
import { type Row, RowSet } from './rows.ts';

/**
 * Who waits where, counted from facts: an enrollment is +1 at its entry node, each step it takes moves it
 * (-1 where it was, +1 at the step's `next`), a migration's move likewise, and its end takes the -1
 * from wherever it was. Only enrollments stamped with `entryNodeId` (entered since this counting began)
 * are counted this way; see `readWaiting` for the others.
 */
export function moveOf(step: StepDoc): [string, number][] {
  const toNodeId = step.data?.toNodeId;
  if (step.data?.migrationId)
    return step.outcome === 'moved' && typeof toNodeId === 'string'
      ? [
          [step.nodeId, -1],
          [toNodeId, 1],
        ]
      : [];
  if (typeof step.next !== 'string') return [];
  return [
    [step.nodeId, -1],
    [step.next, 1],
  ];
}

/** The step that recorded its enrollment's end (a migration's move has no `next` either). */
export const isEnd = (step: StepDoc) => step.next === null && !step.data?.migrationId;

/**
 * Where an enrollment was before its end: the one place it arrived at and never left. Its end step is
 * no move, so it may be among the steps; a goal's end names the goal, not that place.
 */
export function openPosition(entryNodeId: string, timeline: StepDoc[]): string | null {
  const count = new Map<string, number>([[entryNodeId, 1]]);
  for (const step of timeline)
    for (const [nodeId, delta] of moveOf(step)) count.set(nodeId, (count.get(nodeId) ?? 0) + delta);
  return [...count].find(([, n]) => n > 0)?.[0] ?? null;
}

const waitingId = (journeyId: string) => `${journeyId}|waiting`;

export interface WaitingDoc {
  _id: string;
  journeyId: string;
  kind: 'waiting';
  rows: Row[];
  /** All-time `entered`, `ended` (by status) and `passed` (by node) rows, for the journey's live stats. */
  totals?: Row[];
  /** No active enrollment of the journey lacks `entryNodeId` any more: the rows alone say who waits. */
  legacyDone: boolean;
  computedAt: string;
}

/** The all-time totals row a day's row adds to, if any: counts by status and by node, any version. */
function totalOf(row: Row): Row | null {
  if (row.x) return null;
  if (row.k === 'entered') return { v: 0, k: 'entered', count: row.count };
  if (row.k === 'ended') return { v: 0, k: 'ended', p: row.p, count: row.count };
  if (row.k === 'passed') return { v: 0, k: 'passed', n: row.n, count: row.count };
  return null;
}

/**
 * Sums the journey's `here` rows, and its all-time totals, over its day documents into one document the
 * report and the live stats read by `_id`.
 */
export async function refreshWaiting(db: Db, journeyId: string): Promise<void> {
  const rollups = db.collection<{ _id: string; rows: Row[] }>(COLLECTIONS.rollups);
  const rows = new RowSet();
  const totals = new RowSet();
  for await (const day of rollups.find({ journeyId, kind: 'day' }, { projection: { rows: 1 } }))
    for (const row of day.rows) {
      if (row.k === 'here') rows.add(row);
      const total = totalOf(row);
      if (total) totals.add(total);
    }
  const waiting = db.collection<WaitingDoc>(COLLECTIONS.rollups);
  const before = await waiting.findOne({ _id: waitingId(journeyId) }, { projection: { legacyDone: 1 } });
  const legacyDone =
    before?.legacyDone === true ||
    (await db
      .collection(COLLECTIONS.enrollments)
      .countDocuments({ journeyId, status: 'active', entryNodeId: null }, { limit: 1 })) === 0;
  const doc = {
    journeyId,
    kind: 'waiting' as const,
    rows: rows.toArray().filter((r) => r.count !== 0),
    totals: totals.toArray(),
    legacyDone,
    computedAt: new Date().toISOString(),
  };
  await waiting.replaceOne({ _id: waitingId(journeyId) }, doc, { upsert: true });
}

/**
 * Per node, how many enrollments wait there as of the last fold, read from one document. Enrollments
 * entered before this counting began are counted live until none of the journey's is active any more.
 */
export async function readWaiting(db: Db, journeyId: string, version?: number): Promise<Map<string, number>> {
  return waitingOf(db, journeyId, await readWaitingDoc(db, journeyId), version);
}

export const readWaitingDoc = (db: Db, journeyId: string) =>
  db.collection<WaitingDoc>(COLLECTIONS.rollups).findOne({ _id: waitingId(journeyId) });

export async function waitingOf(
  db: Db,
  journeyId: string,
  doc: WaitingDoc | null,
  version?: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (nodeId: string | null | undefined, n: number) => {
    if (nodeId) counts.set(nodeId, (counts.get(nodeId) ?? 0) + n);
  };
  for (const row of doc?.rows ?? []) if (version === undefined || row.v === version) add(row.n, row.count);
  if (!doc?.legacyDone) {
    const legacy = await db
      .collection(COLLECTIONS.enrollments)
      .aggregate<{ _id: string; count: number }>([
        { $match: { journeyId, status: 'active', entryNodeId: null, ...(version ? { version } : {}) } },
        { $group: { _id: '$currentNodeId', count: { $sum: 1 } } },
      ])
      .toArray();
    for (const { _id, count } of legacy) add(_id, count);
  }
  return new Map([...counts].filter(([, n]) => n > 0));
}
