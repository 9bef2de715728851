import { COLLECTIONS, type LeafRule, ruleLeaves, type SegmentRule } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { daysBefore } from './compile.ts';
import type { MemberDoc } from './membership.ts';
import { anyOf, inParallel } from './store.ts';

export interface SnapshotEvent {
  customerId: string;
  event: string;
  timestamp: string;
  properties?: Record<string, unknown>;
}

/** What evaluating a customer against some segments reads, loaded before the evaluation. */
type Profile = { traits?: Record<string, unknown> } | null;

export interface CustomerSnapshot {
  /** The profile, read at most once: with the others for many customers, on first need for one. */
  profile: () => Promise<Profile>;
  /** The events those rules read, oldest first; null when there were too many to load (read them per rule). */
  events: SnapshotEvent[] | null;
  /** The customer's memberships by segment id; kept current as the evaluation changes them. */
  members: Map<string, MemberDoc>;
}

/** Beyond this many events of a customer the evaluation queries the store rule by rule instead. */
const EVENTS_PER_CUSTOMER = 500;

/** The earliest event time any rule can read, when every event rule has a window; else undefined (all time). */
function eventWindowStart(leaves: LeafRule[], now: Date): string | undefined {
  let days = 0;
  for (const leaf of leaves) {
    if (!('event' in leaf)) continue;
    const window = leaf.kind === 'performedAt' ? undefined : leaf.withinDays;
    if (window === undefined) return undefined;
    days = Math.max(days, window);
  }
  return daysBefore(now, days).toISOString();
}

/** Customers whose snapshots load at once. */
const CUSTOMERS_IN_FLIGHT = 8;

/**
 * Loads, for customers, everything the rules read (events of the events the rules name, memberships, and
 * the profile on first need) instead of a query per rule: one query per collection and customer, each an
 * equality FerretDB serves from its indexes (a `$in` over many customers reads the whole collection there).
 */
export async function loadSnapshots(
  db: Db,
  customerIds: string[],
  rules: SegmentRule[],
  now: Date,
): Promise<Map<string, CustomerSnapshot>> {
  const leaves = rules.flatMap(ruleLeaves);
  const reads = {
    eventNames: [...new Set(leaves.flatMap((l) => ('event' in l ? [l.event] : [])))],
    since: eventWindowStart(leaves, now),
  };
  const snapshots = new Map<string, CustomerSnapshot>();
  await inParallel(
    customerIds.map((id) => async () => {
      snapshots.set(id, await loadOne(db, id, reads));
    }),
    CUSTOMERS_IN_FLIGHT,
  );
  return snapshots;
}

async function loadOne(
  db: Db,
  customerId: string,
  { eventNames, since }: { eventNames: string[]; since: string | undefined },
): Promise<CustomerSnapshot> {
  const [events, members] = await Promise.all([
    eventNames.length
      ? db
          .collection<SnapshotEvent & { _id: string }>(COLLECTIONS.events)
          .find(
            { customerId, event: anyOf(eventNames), ...(since ? { timestamp: { $gt: since } } : {}) },
            {
              projection: { _id: 0, customerId: 1, event: 1, timestamp: 1, properties: 1 },
              limit: EVENTS_PER_CUSTOMER + 1,
            },
          )
          .toArray()
      : [],
    db.collection<MemberDoc>(COLLECTIONS.segmentMembers).find({ customerId }).toArray(),
  ]);
  let profile: Promise<Profile> | undefined;
  return {
    profile: () => {
      profile ??= db
        .collection<{ _id: string; traits?: Record<string, unknown> }>(COLLECTIONS.profiles)
        .findOne({ _id: customerId }, { projection: { traits: 1 } });
      return profile;
    },
    events:
      events.length <= EVENTS_PER_CUSTOMER
        ? events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1))
        : null,
    members: new Map(members.map((m) => [m.segmentId, m])),
  };
}
