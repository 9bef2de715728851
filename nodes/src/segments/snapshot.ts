import { COLLECTIONS, type LeafRule, ruleLeaves, type SegmentRule } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { daysBefore } from './compile.ts';
import type { MemberDoc } from './membership.ts';
import { anyOf } from './store.ts';

export interface SnapshotEvent {
  customerId: string;
  event: string;
  timestamp: string;
  properties?: Record<string, unknown>;
}

/** What evaluating a customer against some segments reads, loaded before the evaluation. */
export interface CustomerSnapshot {
  profile: { traits?: Record<string, unknown> } | null;
  /** The events those rules read, oldest first; null when there were too many to load (read them per rule). */
  events: SnapshotEvent[] | null;
  /** The customer's memberships by segment id; kept current as the evaluation changes them. */
  members: Map<string, MemberDoc>;
}

/** Beyond this many events per customer on average the evaluation queries the store rule by rule instead. */
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

/** Customers whose snapshots load at once when a page is read customer by customer. */
const CUSTOMERS_IN_FLIGHT = 8;

/**
 * Loads, for customers, everything the rules read (profiles, events of the events the rules name,
 * memberships) instead of a query per rule and customer: one query per collection and customer, each an
 * equality FerretDB serves from its indexes (a `$in` over many customers reads the whole collection there).
 */
export async function loadSnapshots(
  db: Db,
  customerIds: string[],
  rules: SegmentRule[],
  now: Date,
): Promise<Map<string, CustomerSnapshot>> {
  if (customerIds.length <= 1) return loadTogether(db, customerIds, rules, now);
  const snapshots = new Map<string, CustomerSnapshot>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CUSTOMERS_IN_FLIGHT, customerIds.length) }, async () => {
      while (next < customerIds.length) {
        const id = customerIds[next++];
        for (const [key, snapshot] of await loadTogether(db, [id], rules, now)) snapshots.set(key, snapshot);
      }
    }),
  );
  return snapshots;
}

async function loadTogether(
  db: Db,
  customerIds: string[],
  rules: SegmentRule[],
  now: Date,
): Promise<Map<string, CustomerSnapshot>> {
  const leaves = rules.flatMap(ruleLeaves);
  const eventNames = [...new Set(leaves.flatMap((l) => ('event' in l ? [l.event] : [])))];
  const since = eventWindowStart(leaves, now);
  const limit = EVENTS_PER_CUSTOMER * customerIds.length;
  const [profiles, events, members] = await Promise.all([
    db
      .collection<{ _id: string; traits?: Record<string, unknown> }>(COLLECTIONS.profiles)
      .find({ _id: anyOf(customerIds) }, { projection: { traits: 1 } })
      .toArray(),
    eventNames.length
      ? db
          .collection<SnapshotEvent & { _id: string }>(COLLECTIONS.events)
          .find(
            {
              customerId: anyOf(customerIds),
              event: anyOf(eventNames),
              ...(since ? { timestamp: { $gt: since } } : {}),
            },
            {
              projection: { _id: 0, customerId: 1, event: 1, timestamp: 1, properties: 1 },
              limit: limit + 1,
            },
          )
          .toArray()
      : [],
    db
      .collection<MemberDoc>(COLLECTIONS.segmentMembers)
      .find({ customerId: anyOf(customerIds) })
      .toArray(),
  ]);
  const complete = events.length <= limit;
  const snapshots = new Map<string, CustomerSnapshot>();
  for (const id of customerIds)
    snapshots.set(id, { profile: null, events: complete ? [] : null, members: new Map() });
  for (const p of profiles) (snapshots.get(p._id) as CustomerSnapshot).profile = p;
  if (complete) for (const e of events) snapshots.get(e.customerId)?.events?.push(e);
  for (const s of snapshots.values()) s.events?.sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
  for (const m of members) snapshots.get(m.customerId)?.members.set(m.segmentId, m);
  return snapshots;
}
