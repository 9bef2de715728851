import { createHash } from 'node:crypto';
import { nextTimeOfDay } from '@itinera/nodes/schedule';
import { type BroadcastInput, COLLECTIONS, customerTimezone } from '@itinera/schemas';
import type { BroadcastActivities, BroadcastRunState } from '@itinera/workers/broadcast';
import { Context } from '@temporalio/activity';
import { type Db, MongoBulkWriteError, MongoServerError } from 'mongodb';
import type { EnrollmentService } from './enrollments.ts';
import type { JourneyService } from './journeys.ts';

/** Segment membership, one doc per member (`<segmentId>:<customerId>`), kept by the segments feature. */
export const SEGMENT_MEMBERS = 'segment_members';
const DUPLICATE_KEY = 11000;
const SNAPSHOT_BATCH = 500;

export type BroadcastDoc = BroadcastInput & { _id: string; state: string; createdAt: string };
export interface RecipientDoc {
  _id: string;
  broadcastId: string;
  customerId: string;
  sendAt: string;
  status: 'pending' | 'entered' | 'held_out' | 'skipped';
  reason?: string;
}

/** A stable draw in [0, 100) per (broadcast, customer): the same customers are held out on every retry. */
export function holdoutDraw(broadcastId: string, customerId: string): number {
  const hash = createHash('sha256').update(`${broadcastId}:${customerId}`).digest();
  return (hash.readUInt32BE(0) / 2 ** 32) * 100;
}

function sendAtFor(broadcast: BroadcastDoc, zone: unknown): number {
  const { schedule } = broadcast;
  if (schedule.kind === 'now') return Date.parse(broadcast.createdAt);
  if (schedule.kind === 'at') return Date.parse(schedule.at);
  const from = Date.parse(schedule.from ?? broadcast.createdAt);
  return nextTimeOfDay(from, customerTimezone(zone, schedule.fallbackTimezone), schedule.time);
}

/** Swallows only duplicate-key failures: the documents (claims, snapshots) were already there. */
export const ignoreDuplicates = (error: unknown) => {
  if (error instanceof MongoBulkWriteError) {
    const errors = [error.writeErrors].flat() as { code?: number }[];
    if (errors.every((e) => e.code === DUPLICATE_KEY)) return;
  }
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return;
  throw error;
};

/** The broadcast workflow's activities; they run in the API process, which owns journey entry. */
export function broadcastActivities(
  db: Db,
  journeys: JourneyService,
  enrollments: EnrollmentService,
): BroadcastActivities {
  const broadcasts = db.collection<BroadcastDoc>(COLLECTIONS.broadcasts);
  const recipients = db.collection<RecipientDoc>(COLLECTIONS.broadcastRecipients);
  const entries = db.collection<{ _id: string; at: string }>(COLLECTIONS.broadcastEntries);
  const members = db.collection<{ customerId: string; segmentId: string }>(SEGMENT_MEMBERS);
  const profiles = db.collection<{ _id: string; traits?: Record<string, unknown> }>(COLLECTIONS.profiles);

  const load = async (broadcastId: string) => {
    const doc = await broadcasts.findOne({ _id: broadcastId });
    if (!doc) throw new Error(`Broadcast ${broadcastId} does not exist`);
    return doc;
  };

  return {
    /** Records who is in the segment now, when each enters and who is held out; safe to repeat. */
    async snapshotBroadcast({ broadcastId }) {
      const broadcast = await load(broadcastId);
      const cursor = members
        .find({ segmentId: broadcast.segmentId }, { projection: { customerId: 1 } })
        .sort({ customerId: 1 });
      let batch: string[] = [];
      let total = 0;
      const flush = async () => {
        const zones = new Map<string, unknown>();
        if (broadcast.schedule.kind === 'local') {
          const found = await profiles
            .find({ _id: { $in: batch } }, { projection: { 'traits.timezone': 1 } })
            .toArray();
          for (const p of found) zones.set(p._id, p.traits?.timezone);
        }
        const docs = batch.map((customerId): RecipientDoc => {
          const heldOut = holdoutDraw(broadcastId, customerId) < (broadcast.holdoutPercent ?? 0);
          return {
            _id: `${broadcastId}:${customerId}`,
            broadcastId,
            customerId,
            sendAt: new Date(sendAtFor(broadcast, zones.get(customerId))).toISOString(),
            status: heldOut ? 'held_out' : 'pending',
          };
        });
        await recipients.insertMany(docs, { ordered: false }).catch(ignoreDuplicates);
        total += batch.length;
        batch = [];
        Context.current().heartbeat(total);
      };
      for await (const member of cursor) {
        batch.push(member.customerId);
        if (batch.length >= SNAPSHOT_BATCH) await flush();
      }
      if (batch.length > 0) await flush();
      return { total };
    },

    /** Enters up to `limit` customers whose time has come, each claimed once by a unique insert. */
    async enterDue({ broadcastId, limit, nowMs }) {
      const broadcast = await load(broadcastId);
      const journey = await journeys.get(broadcast.journeyId);
      const due = await recipients
        .find({ broadcastId, status: 'pending', sendAt: { $lte: new Date(nowMs).toISOString() } })
        .sort({ sendAt: 1 })
        .limit(limit)
        .toArray();
      for (const recipient of due) {
        // A retry after a crash finds its own claim: entering again with the same entry id is a no-op.
        await entries.insertOne({ _id: recipient._id, at: new Date().toISOString() }).catch(ignoreDuplicates);
        const outcome = await enrollments.enter(
          journey,
          recipient.customerId,
          null,
          `broadcast:${broadcastId}`,
        );
        await recipients.updateOne(
          { _id: recipient._id },
          outcome.entered
            ? { $set: { status: 'entered' } }
            : { $set: { status: 'skipped', reason: outcome.reason } },
        );
        Context.current().heartbeat();
      }
      const remaining = await recipients.countDocuments({ broadcastId, status: 'pending' });
      const [next] = await recipients
        .find({ broadcastId, status: 'pending' }, { projection: { sendAt: 1 } })
        .sort({ sendAt: 1 })
        .limit(1)
        .toArray();
      return { processed: due.length, remaining, nextDueMs: next ? Date.parse(next.sendAt) : null };
    },

    async markBroadcast({ broadcastId, state }: { broadcastId: string; state: BroadcastRunState }) {
      await broadcasts.updateOne({ _id: broadcastId }, { $set: { state } });
    },
  };
}
