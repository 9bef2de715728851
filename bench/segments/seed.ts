// The segment benchmark's customer base, bulk-inserted straight into the store (the API only measures):
// profiles with plan, city, age, email and sign-up date, and a history of purchases and views per customer.
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';

const BATCH = 1000;
const DAY_MS = 86_400_000;
const PLANS = ['free', 'free', 'pro', 'vip'];
const CITIES = ['Paris', 'Lyon', 'Berlin', 'Madrid', 'Rome', 'Oslo', 'Lisbon', 'Vienna'];
export const CATEGORIES = ['shoes', 'books', 'games', 'garden'];

export const customerId = (i: number) => `sg-${i}`;
/** Every fifth customer has never purchased: a purchase moves them between segments (the latency probe). */
export const neverPurchased = (i: number) => i % 5 === 0;
const purchases = (i: number) => (neverPurchased(i) ? 0 : 1 + ((i * 7) % 4));

/** Inserts customers [from, to) with their events, 1000 documents at a time; returns the events inserted. */
export async function loadCustomers(db: Db, from: number, to: number, now = Date.now()): Promise<number> {
  const profiles = db.collection<{ _id: string }>(COLLECTIONS.profiles);
  const events = db.collection<{ _id: string }>(COLLECTIONS.events);
  let eventCount = 0;
  for (let start = from; start < to; start += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, to - start) }, (_, k) => start + k);
    const iso = (ms: number) => new Date(ms).toISOString();
    await profiles.insertMany(
      ids.map((i) => ({
        _id: customerId(i),
        traits: {
          plan: PLANS[i % PLANS.length],
          city: CITIES[(i * 3) % CITIES.length],
          age: 18 + ((i * 7) % 60),
          ...(i % 4 !== 0 ? { email: `user${i}@example.com` } : {}),
          signedUpAt: iso(now - (1 + (i % 200)) * DAY_MS),
        },
        createdAt: iso(now - 200 * DAY_MS),
        updatedAt: iso(now - 200 * DAY_MS),
      })),
    );
    const docs = ids.flatMap((i) => {
      const at = (k: number) => iso(now - (1 + ((i * 13 + k * 29) % 120)) * DAY_MS - k * 1000);
      const event = (k: number, name: string, properties: Record<string, unknown>) => ({
        _id: `seed-${i}-${k}`,
        type: 'track',
        customerId: customerId(i),
        event: name,
        properties,
        timestamp: at(k),
        receivedAt: at(k),
      });
      return [
        ...Array.from({ length: purchases(i) }, (_, k) =>
          event(k, 'purchased', {
            amount: 20 + ((i * 31 + k * 17) % 300),
            category: CATEGORIES[(i + k) % 4],
          }),
        ),
        event(10, 'viewed', { category: CATEGORIES[i % 4] }),
        event(11, 'viewed', { category: CATEGORIES[(i + 1) % 4] }),
      ];
    });
    await events.insertMany(docs);
    eventCount += docs.length;
  }
  return eventCount;
}
