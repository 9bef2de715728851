import { randomInt } from 'node:crypto';
import { COLLECTIONS, PROMO_ALPHABET, type PromoPoolDoc, promoPlaceholder } from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';

/**
 * Personal promo codes: one code per idempotency key (enrollment, node, visit), never given to two customers.
 *
 * FerretDB has no atomic read-modify-write, so the only atomic primitive used is a unique `_id` insert:
 *   1. `promo_assignments[idempotencyKey]` present → return its code (retries are idempotent);
 *   2. claim a code by inserting `promo_assignments["claim:<pool>:<code>"]` (a collision = already taken);
 *   3. insert the assignment `promo_assignments[idempotencyKey]`; if a concurrent call with the same key
 *      won, return the winner's code.
 * A crash (or a cross-process race on one key) between 2 and 3 leaves a claimed code that nobody holds: it
 * is never handed out, so a pool can lose a few codes but a code is never given twice.
 */
export type ClaimResult = { code: string } | { exhausted: true } | { missingPool: true };

export interface ClaimInput {
  poolId: string;
  idempotencyKey: string;
  customerId: string;
}

export interface PromoAssignmentDoc {
  _id: string;
  kind: 'assignment' | 'claim';
  poolId: string;
  code: string;
  /** The customer (assignment) or the idempotency key that claimed it (claim; helps find leaked claims). */
  customerId?: string;
  idempotencyKey?: string;
  at: string;
}

/** Attempts to find an unclaimed generated code before a pattern pool is declared exhausted. */
const PATTERN_ATTEMPTS = 25;
/** After a list pool was found empty, claims answer "exhausted" for this long before looking again. */
const EXHAUSTED_RECHECK_MS = 3_000;
const REFILL_BATCH = 20_000;
const MAX_REFILLS = 10;

export const claimId = (poolId: string, code: string) => `claim:${poolId}:${code}`;

/** A code from a pattern such as `WELCOME-{X:6}`: literal text with random alphabet characters. */
export function generateFromPattern(pattern: string): string {
  return pattern.replace(promoPlaceholder(), (_, n: string) =>
    Array.from({ length: Number(n) }, () => PROMO_ALPHABET[randomInt(PROMO_ALPHABET.length)]).join(''),
  );
}

const isDuplicateKey = (err: unknown) => err instanceof MongoServerError && err.code === 11000;

/** The atomic step: a unique `_id` insert succeeds for exactly one claimer of a code. */
async function insertClaim(db: Db, poolId: string, code: string, idempotencyKey: string): Promise<void> {
  await db.collection<PromoAssignmentDoc>(COLLECTIONS.promoAssignments).insertOne({
    _id: claimId(poolId, code),
    kind: 'claim',
    poolId,
    code,
    idempotencyKey,
    at: new Date().toISOString(),
  });
}

interface ListPoolState {
  /** Shuffled codes not known to be claimed; popped synchronously, so one process never tries one twice. */
  candidates: string[];
  /** Popped codes whose claim insert has not finished; a refill must not offer them again. */
  pending: Set<string>;
  refilling: Promise<void> | null;
  emptySince: number | null;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const stateByDb = new WeakMap<Db, Map<string, ListPoolState>>();
const inFlightByDb = new WeakMap<Db, Map<string, Promise<ClaimResult>>>();

interface MapLike<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

function getOrCreate<K, V>(map: MapLike<K, V>, key: K, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
}

function poolState(db: Db, poolId: string): ListPoolState {
  const pools = getOrCreate(stateByDb, db, () => new Map<string, ListPoolState>());
  return getOrCreate(pools, poolId, () => ({
    candidates: [],
    pending: new Set<string>(),
    refilling: null,
    emptySince: null,
  }));
}

/** One scan of the pool's codes and claims (each a collection scan on FerretDB), amortised over many claims. */
async function refill(db: Db, pool: PromoPoolDoc, state: ListPoolState): Promise<void> {
  const codes = db.collection<{ _id: string; poolId: string; code: string }>(COLLECTIONS.promoCodes);
  const claims = db.collection<PromoAssignmentDoc>(COLLECTIONS.promoAssignments);
  const inFlight = new Set(state.pending);
  const [all, claimed] = await Promise.all([
    codes.find({ poolId: pool._id }, { projection: { code: 1 } }).toArray(),
    claims.find({ poolId: pool._id, kind: 'claim' }, { projection: { code: 1 } }).toArray(),
  ]);
  const taken = new Set([...claimed.map((c) => c.code), ...inFlight]);
  const free = shuffle(all.map((c) => c.code).filter((code) => !taken.has(code)));
  // Keep a bounded batch in memory; the rest is found again by the next refill.
  state.candidates = free.slice(0, REFILL_BATCH);
  state.emptySince = free.length === 0 ? Date.now() : null;
  const pools = db.collection<PromoPoolDoc>(COLLECTIONS.promoPools);
  if (free.length === 0 && !pool.exhaustedAt) {
    await pools.updateOne({ _id: pool._id }, { $set: { exhaustedAt: new Date().toISOString() } });
  } else if (free.length > 0 && pool.exhaustedAt) {
    // Codes were uploaded after the pool ran out (or raced with marking it exhausted).
    await pools.updateOne({ _id: pool._id }, { $set: { exhaustedAt: null } });
  }
}

async function claimFromList(db: Db, pool: PromoPoolDoc, key: string): Promise<string | null> {
  const state = poolState(db, pool._id);
  let refills = 0;
  for (;;) {
    const code = state.candidates.pop();
    if (code === undefined) {
      if (state.emptySince !== null && Date.now() - state.emptySince < EXHAUSTED_RECHECK_MS) return null;
      // Only reached again when other processes took every code of a fresh batch: heavy contention.
      if (refills++ >= MAX_REFILLS) throw new Error(`Promo pool "${pool._id}" is contended; retry the claim`);
      state.refilling ??= refill(db, pool, state).finally(() => {
        state.refilling = null;
      });
      await state.refilling;
      continue;
    }
    state.pending.add(code);
    try {
      await insertClaim(db, pool._id, code, key);
      return code;
    } catch (err) {
      // A collision means another worker process claimed it since our refill: skip it.
      if (!isDuplicateKey(err)) throw err;
    } finally {
      state.pending.delete(code);
    }
  }
}

async function claimFromPattern(db: Db, pool: PromoPoolDoc, key: string): Promise<string | null> {
  for (let attempt = 0; attempt < PATTERN_ATTEMPTS; attempt++) {
    const code = generateFromPattern(pool.pattern ?? '');
    try {
      await insertClaim(db, pool._id, code, key);
      return code;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (!pool.exhaustedAt) {
    await db
      .collection<PromoPoolDoc>(COLLECTIONS.promoPools)
      .updateOne({ _id: pool._id }, { $set: { exhaustedAt: new Date().toISOString() } });
  }
  return null;
}

async function claim(db: Db, { poolId, idempotencyKey, customerId }: ClaimInput): Promise<ClaimResult> {
  const assignments = db.collection<PromoAssignmentDoc>(COLLECTIONS.promoAssignments);
  const existing = await assignments.findOne({ _id: idempotencyKey });
  if (existing) return { code: existing.code };
  const pool = await db.collection<PromoPoolDoc>(COLLECTIONS.promoPools).findOne({ _id: poolId });
  if (!pool) return { missingPool: true };
  const code =
    pool.kind === 'pattern'
      ? await claimFromPattern(db, pool, idempotencyKey)
      : await claimFromList(db, pool, idempotencyKey);
  if (code === null) return { exhausted: true };
  try {
    await assignments.insertOne({
      _id: idempotencyKey,
      kind: 'assignment',
      poolId,
      code,
      customerId,
      at: new Date().toISOString(),
    });
    return { code };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Another process claimed for the same key first: its code is the answer; ours stays claimed (leaked).
    const winner = await assignments.findOne({ _id: idempotencyKey });
    if (!winner) throw err;
    return { code: winner.code };
  }
}

/**
 * Claims the promo code for one idempotency key. Concurrent calls with the same key in this process share
 * one claim, so retries racing each other do not leak codes; across processes a race leaks at most one.
 */
export async function claimPromoCode(db: Db, input: ClaimInput): Promise<ClaimResult> {
  if (input.idempotencyKey.startsWith('claim:')) {
    throw new Error('A promo idempotency key must not start with "claim:" (reserved for code claims)');
  }
  const inFlight = getOrCreate(inFlightByDb, db, () => new Map<string, Promise<ClaimResult>>());
  const running = inFlight.get(input.idempotencyKey);
  if (running) return running;
  const task = claim(db, input).finally(() => inFlight.delete(input.idempotencyKey));
  inFlight.set(input.idempotencyKey, task);
  return task;
}
