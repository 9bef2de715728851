import { subscriptionStore } from '@itinera/nodes/send';
import { COLLECTIONS, encodeStored, TEST_RUN_SANDBOX } from '@itinera/schemas';
import { sandboxDb } from '@itinera/workers/test-runs';
import type { Db } from 'mongodb';
import { HttpError } from '../../plugins/errors.ts';

/** Recent history a test run copies, enough for event-count conditions over weeks. */
const COPIED_EVENTS = 1_000;

export type Who = { customerId?: string; profile?: { traits: Record<string, unknown> } };

/**
 * Copies what a send decision and the journey read about the customer (profile, consent, recent events, held
 * frequency-cap slots) into the sandbox under the run's own customer id; a made-up profile is written there only.
 */
export async function seedSandbox(db: Db, who: Who, sandboxId: string): Promise<void> {
  const sandbox = sandboxDb(db);
  const now = new Date().toISOString();
  if (!who.customerId) {
    const traits = encodeStored(who.profile?.traits ?? {}, 'traits');
    await sandbox
      .collection(COLLECTIONS.profiles)
      .insertOne({ _id: sandboxId as never, traits, createdAt: now, updatedAt: now });
    return;
  }
  const customerId = who.customerId;
  const profile = await db.collection(COLLECTIONS.profiles).findOne({ _id: customerId as never });
  if (!profile) throw new HttpError(404, `Customer "${customerId}" does not exist`, 'customerId');
  const { _id, appliedOperations: _, ...copy } = profile;
  await sandbox.collection(COLLECTIONS.profiles).insertOne({ ...copy, _id: sandboxId as never });
  await subscriptionStore(sandbox).update(sandboxId, await subscriptionStore(db).read(customerId));

  const events = await db
    .collection(COLLECTIONS.events)
    .find({ customerId })
    .sort({ timestamp: -1 })
    .limit(COPIED_EVENTS)
    .toArray();
  if (events.length > 0)
    await sandbox
      .collection(COLLECTIONS.events)
      .insertMany(
        events.map((e) => ({ ...e, _id: `${sandboxId}:${e._id}` as never, customerId: sandboxId })),
      );
  const slots = await db.collection(COLLECTIONS.capSlots).find({ customerId }).toArray();
  if (slots.length > 0)
    await sandbox.collection(COLLECTIONS.capSlots).insertMany(
      slots.map((s) => ({
        ...s,
        _id: `${sandboxId}${String(s._id).slice(customerId.length)}` as never,
        customerId: sandboxId,
      })),
    );
}

/** Removes everything the run left: copies of customer data, the run's own records, its promo reservations. */
export async function clearSandbox(db: Db, runId: string, sandboxId: string): Promise<void> {
  const byCustomer = { customerId: sandboxId };
  const byRun = { enrollmentId: runId };
  const ofRun = `^${runId}:`;
  await Promise.all([
    db.collection(TEST_RUN_SANDBOX.profiles).deleteOne({ _id: sandboxId as never }),
    db.collection(TEST_RUN_SANDBOX.subscriptions).deleteMany(byCustomer),
    db.collection(TEST_RUN_SANDBOX.events).deleteMany(byCustomer),
    db.collection(TEST_RUN_SANDBOX.frequency_cap_slots).deleteMany(byCustomer),
    // Promo codes the run reserved go back to their pool.
    db
      .collection(COLLECTIONS.promoAssignments)
      .deleteMany({ kind: 'claim', idempotencyKey: { $regex: ofRun } }),
    db
      .collection(COLLECTIONS.promoAssignments)
      .deleteMany({ kind: 'assignment', _id: { $regex: ofRun } as never }),
    db.collection(TEST_RUN_SANDBOX.deliveries).deleteMany(byRun),
    db.collection(TEST_RUN_SANDBOX.messages).deleteMany(byRun),
    db.collection(TEST_RUN_SANDBOX.enrollments).deleteOne({ _id: runId as never }),
    db.collection(TEST_RUN_SANDBOX.enrollment_steps).deleteMany(byRun),
  ]);
}
