import { COLLECTIONS, type RevenueSettings } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { leases } from '../lease.ts';
import { every, processHolder } from '../periodic.ts';
import { recomputeBuckets } from './bucket.ts';
import { markChanges } from './changes.ts';
import { stampedFrom } from './hour-stamps.ts';
import { markReceipts } from './receipts.ts';
import { analyticsSettings } from './revenue.ts';
import { hourOf } from './rows.ts';
import { foldKeysBetween, keyedSource, rangeSource } from './sources.ts';
import { refreshWaiting } from './waiting.ts';

/**
 * Facts are found by the time they were recorded; one recorded up to this long before the last fold
 * started (a slow write, clock skew between processes) is still found by the next one.
 */
export const FOLD_MARGIN_MS = 5 * 60_000;
/** Past this long since the checkpoint, one scan by time costs less than a lookup per minute. */
export const MAX_KEYED_GAP_MS = 2 * 24 * 3_600_000;
const CHECKPOINT = 'fold';

interface Checkpoint {
  _id: string;
  through: string;
  /** Set once a fold has read by time every fact written before fold keys existed. */
  keyed?: boolean;
  /** How long the last pass took, and when it ended (any process's). */
  passMs?: number;
  passEndedAt?: string;
}

/**
 * After a pass of T, folders rest for REST_FACTOR·T: a journey so busy that a pass takes longer than the
 * interval (at 100k entries an hour, a pass re-reads the journey) gets at most a quarter of the store, not
 * all of it, and its figures lag more instead of slowing ingestion and the worker. The rest never exceeds
 * MAX_REST_MS, so even the busiest store's figures move at least that often.
 */
export const REST_FACTOR = 3;
export const MAX_REST_MS = 10 * 60_000;

/**
 * Folds facts recorded since the last checkpoint into the hourly rollups: finds every (journey, hour)
 * bucket such a fact belongs to and recomputes it whole from the facts. Returns the buckets recomputed.
 *
 * Finding them: by the `foldKey` minutes since the checkpoint (sources.ts), except on the first fold
 * (no checkpoint, or one written by a release before fold keys), or after a gap longer than
 * MAX_KEYED_GAP_MS, which read the facts by time once.
 *
 * Guarantee: each bucket equals what its facts say as of its last recompute, and every fact recorded with
 * a timestamp at most FOLD_MARGIN_MS before the previous fold's start causes a recompute. Recomputing is
 * idempotent, so overlapping folds (two processes, a retried fold) never double-count, on MongoDB or
 * FerretDB; a slower fold overwriting a newer bucket is repaired by the next fold, which rescans the margin.
 */
export async function foldAnalytics(db: Db, nowMs = Date.now()): Promise<number> {
  const state = db.collection<Checkpoint>(COLLECTIONS.analyticsState);
  const checkpoint = await state.findOne({ _id: CHECKPOINT });
  const sinceMs = checkpoint ? Date.parse(checkpoint.through) - FOLD_MARGIN_MS : null;
  const since = sinceMs === null ? '' : new Date(sinceMs).toISOString();
  const untilMs = Math.max(nowMs, Date.now());
  const keyed = sinceMs !== null && checkpoint?.keyed === true && untilMs - sinceMs <= MAX_KEYED_GAP_MS;
  const source = keyed ? keyedSource(db, foldKeysBetween(sinceMs, untilMs)) : rangeSource(db);
  const revenue = await analyticsSettings(db).allRevenue();
  const stampsFrom = await stampedFrom(db, checkpoint !== null, nowMs);
  const dirty = new Set<string>();
  const mark = (journeyId: unknown, at: unknown) => {
    if (typeof journeyId === 'string' && typeof at === 'string') dirty.add(`${journeyId}|${hourOf(at)}`);
  };
  await markChanges(db, since, source, revenue, mark);
  await markReceipts(source, since, mark);
  const rebuilds = await markRebuilds(db, revenue, mark);

  const byJourney = new Map<string, number[]>();
  for (const key of dirty) {
    const [journeyId, hour] = key.split('|');
    byJourney.set(journeyId, [...(byJourney.get(journeyId) ?? []), Number(hour)]);
  }
  for (const [journeyId, hours] of byJourney) {
    await recomputeBuckets(db, journeyId, hours, revenue, stampsFrom);
    await refreshWaiting(db, journeyId);
  }
  const through = new Date(nowMs).toISOString();
  await state.updateOne({ _id: CHECKPOINT }, { $max: { through }, $set: { keyed: true } }, { upsert: true });
  // A request made while this fold ran has a newer `at` and stays for the next fold.
  for (const { _id, at } of rebuilds) await state.deleteOne({ _id, at });
  return dirty.size;
}

/**
 * Journeys whose settings changed: every hour they have a bucket for, and every hour holding one of their
 * conversion events since their first bucket, is recomputed.
 */
async function markRebuilds(
  db: Db,
  revenue: Map<string, RevenueSettings>,
  mark: (journeyId: unknown, at: unknown) => void,
) {
  const state = db.collection<{ _id: string; journeyId: string; at: string }>(COLLECTIONS.analyticsState);
  const rebuilds = await state.find({ _id: { $regex: /^rebuild:/ } }).toArray();
  const rollups = db.collection<{ journeyId: string; hour: string }>(COLLECTIONS.rollups);
  for (const { journeyId } of rebuilds) {
    const hours = await rollups
      .find({ journeyId }, { projection: { hour: 1 } })
      .sort({ hour: 1 })
      .toArray();
    for (const { hour } of hours) mark(journeyId, hour);
    const settings = revenue.get(journeyId);
    if (!settings || hours.length === 0) continue;
    const events = db
      .collection(COLLECTIONS.events)
      .find({ event: settings.event, timestamp: { $gte: hours[0].hour } }, { projection: { timestamp: 1 } });
    for await (const event of events) mark(journeyId, event.timestamp);
  }
  return rebuilds;
}

/** When the rollups were last folded: facts recorded before this are in the figures. */
export async function foldedThrough(db: Db): Promise<string | null> {
  const doc = await db
    .collection<{ _id: string; through: string }>(COLLECTIONS.analyticsState)
    .findOne({ _id: CHECKPOINT });
  return doc?.through ?? null;
}

export interface FolderOptions {
  intervalMs?: number;
  holder?: string;
  onError?: (error: unknown) => void;
}

/**
 * Folds every `intervalMs` in the one process (across all API processes) holding that period's lease, once
 * the last pass's rest (REST_FACTOR, at most MAX_REST_MS) is over.
 */
export function startAnalyticsFolder(db: Db, options: FolderOptions = {}) {
  const intervalMs = options.intervalMs ?? 30_000;
  const holder = options.holder ?? processHolder();
  const lease = leases(db);
  const state = db.collection<Checkpoint>(COLLECTIONS.analyticsState);
  const rested = async () => {
    const last = await state.findOne({ _id: CHECKPOINT }, { projection: { passMs: 1, passEndedAt: 1 } });
    return (
      !last?.passEndedAt ||
      Date.now() - Date.parse(last.passEndedAt) >= Math.min(MAX_REST_MS, REST_FACTOR * (last.passMs ?? 0))
    );
  };
  return every(
    intervalMs,
    async () => {
      if (!(await rested()) || (await lease.claim('analytics', intervalMs, holder)) === null) return;
      const started = Date.now();
      await foldAnalytics(db);
      const passEndedAt = new Date().toISOString();
      await state.updateOne({ _id: CHECKPOINT }, { $set: { passMs: Date.now() - started, passEndedAt } });
    },
    options.onError,
  );
}
