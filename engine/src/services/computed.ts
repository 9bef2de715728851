import { randomUUID } from 'node:crypto';
import { filterMatches, filterQuery } from '@itinera/nodes/filters';
import {
  COLLECTIONS,
  type ComputedAttributeInput,
  type ComputedAttributeView,
  type ComputedBackfill,
  type ComputedValues,
  decodeStored,
  encodeKey,
  encodePath,
  KINDS_WITH_PROPERTY,
  readPath,
} from '@itinera/schemas';
import { computedValuesOf } from '@itinera/workers/computed';
import type { Db } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import { ignoreDuplicates } from './broadcast-activities.ts';
import { reduceFacts } from './computed-reduce.ts';

type DefinitionDoc = Omit<ComputedAttributeView, 'name' | 'backfill'> & { _id: string };
interface ValueDoc {
  _id: string;
  revision: string;
  customerId: string;
  /** How many matching events the value was computed from: a later computation counts at least as many. */
  basis: number;
  value: unknown;
  computedAt: string;
}
type BackfillDoc = ComputedBackfill & { _id: string };

/** A process may use a definition list this old; a backfill starts only after it, so no event is missed. */
const DEFINITIONS_TTL_MS = 1_000;
const BACKFILL_CONCURRENCY = 4;
/** A backfill reports progress every 100 customers; one silent this long lost its process. */
const STALE_BACKFILL_MS = 60_000;

/**
 * Computed attributes: per customer, a value recomputed after each matching event from that customer's own events
 * (an indexed query on events {customerId, event}). Nothing is incremented: each result is inserted as its own
 * document keyed by the number of events it counted, and readers take the highest. Concurrent events of one
 * customer, on any number of API processes, can only add documents, and the one computed last over the most events
 * wins; FerretDB's read-then-write updates never come into play.
 */
export function computedAttributeService(db: Db) {
  const definitions = db.collection<DefinitionDoc>(COLLECTIONS.computedAttributes);
  const values = db.collection<ValueDoc>(COLLECTIONS.computedValues);
  const backfills = db.collection<BackfillDoc>(COLLECTIONS.computedBackfills);
  const events = db.collection(COLLECTIONS.events);
  let cached: { at: number; list: Promise<DefinitionDoc[]> } | null = null;
  /** Told the attribute's name once a backfill has recomputed every customer's value. */
  const backfilled: ((name: string) => Promise<void>)[] = [];

  const all = () => {
    if (!cached || Date.now() - cached.at > DEFINITIONS_TTL_MS)
      cached = { at: Date.now(), list: definitions.find().sort({ _id: 1 }).toArray() };
    return cached.list;
  };

  const view = async (doc: DefinitionDoc): Promise<ComputedAttributeView> => {
    const { _id, ...rest } = doc;
    const progress = await backfills.findOne({ _id: doc.revision });
    if (!progress) return { name: _id, ...rest, backfill: null };
    const { _id: _, ...backfill } = progress;
    return { name: _id, ...rest, backfill };
  };

  /** Recomputes one attribute for one customer from their events; safe to repeat and to run concurrently. */
  const recompute = async (def: DefinitionDoc, customerId: string) => {
    const path = def.property ?? '';
    const projection: Record<string, 1> = { timestamp: 1 };
    if (path) {
      projection[`properties.${encodePath(path)}`] = 1;
      projection[`properties.${encodeKey(path)}`] = 1;
    }
    const rows = await events
      .find({ customerId, event: def.event, ...filterQuery(def.where, 'properties') }, { projection })
      .toArray();
    if (rows.length === 0) return;
    const facts = rows.map((row) => ({
      timestamp: String(row.timestamp),
      value: path ? readPath(decodeStored(row.properties ?? {}), path) : undefined,
    }));
    const basis = rows.length;
    const doc: ValueDoc = {
      _id: `${def.revision}:${basis}:${customerId}`,
      revision: def.revision,
      customerId,
      basis,
      value: reduceFacts(def.kind, facts),
      computedAt: new Date().toISOString(),
    };
    // A duplicate means the same events were counted by another computation: same value, already stored.
    await values.insertOne(doc).catch(ignoreDuplicates);
    await values.deleteMany({ customerId, revision: def.revision, basis: { $lt: basis } });
  };

  /** Still the attribute's current definition? A replaced or deleted one stops its backfill. */
  const isCurrent = async (def: DefinitionDoc) =>
    (await definitions.findOne({ _id: def._id }, { projection: { revision: 1 } }))?.revision === def.revision;

  const backfill = async (def: DefinitionDoc) => {
    const progress = (patch: Partial<ComputedBackfill>) =>
      backfills.updateOne({ _id: def.revision }, { $set: { ...patch, updatedAt: new Date().toISOString() } });
    await progress({ status: 'computing', processed: 0, total: 0 });
    // Processes still holding the previous definitions route with them for up to the TTL.
    await new Promise((resolve) => setTimeout(resolve, DEFINITIONS_TTL_MS * 2));
    const customers = (await events.distinct('customerId', { event: def.event })) as string[];
    let processed = 0;
    let stopped = false;
    await progress({ total: customers.length });
    const next = async () => {
      for (let id = customers.pop(); id !== undefined && !stopped; id = customers.pop()) {
        await recompute(def, id);
        if (++processed % 100 !== 0) continue;
        if (await isCurrent(def)) await progress({ processed });
        else stopped = true;
      }
    };
    await Promise.all(Array.from({ length: BACKFILL_CONCURRENCY }, next));
    if (stopped) return;
    await progress({ status: 'done', processed });
    // A listener that fails leaves its segments as they were until they are next edited, not the values.
    for (const listener of backfilled) await listener(def._id).catch(() => undefined);
  };

  const startBackfill = (def: DefinitionDoc) =>
    backfill(def).catch(() =>
      backfills.updateOne({ _id: def.revision }, { $set: { status: 'failed' } }).catch(() => undefined),
    );

  const find = async (name: string) => {
    const doc = await definitions.findOne({ _id: name });
    if (!doc) throw new HttpError(404, `Computed attribute "${name}" does not exist`, 'name');
    return doc;
  };

  return {
    onBackfilled: (listener: (name: string) => Promise<void>) => backfilled.push(listener),
    list: async () => Promise.all((await definitions.find().sort({ _id: 1 }).toArray()).map(view)),
    get: async (name: string) => view(await find(name)),

    /** Creates or replaces the definition; a new revision starts empty and backfills in the background. */
    async put(name: string, input: ComputedAttributeInput): Promise<ComputedAttributeView> {
      const needsProperty = KINDS_WITH_PROPERTY.includes(input.kind);
      if (needsProperty && !input.property)
        throw new HttpError(400, `A "${input.kind}" attribute needs the event property to read`, 'property');
      if (!needsProperty && input.property)
        throw new HttpError(400, `A "${input.kind}" attribute reads no property`, 'property');
      const now = new Date().toISOString();
      const previous = await definitions.findOne({ _id: name });
      const doc: DefinitionDoc = {
        _id: name,
        ...input,
        revision: randomUUID(),
        createdAt: previous?.createdAt ?? now,
        updatedAt: now,
      };
      await definitions.replaceOne({ _id: name }, doc, { upsert: true });
      cached = null;
      await backfills.insertOne({
        _id: doc.revision,
        status: 'computing',
        processed: 0,
        total: 0,
        updatedAt: now,
      });
      void startBackfill(doc);
      if (previous) await values.deleteMany({ revision: previous.revision });
      return view(doc);
    },

    async remove(name: string): Promise<void> {
      const doc = await find(name);
      const reader = await db
        .collection(COLLECTIONS.segments)
        .findOne({ 'reads.computed': name, deleted: { $ne: true } }, { projection: { _id: 1 } });
      if (reader)
        throw new HttpError(409, `Segment "${reader._id}" reads this attribute; change it first`, 'name');
      await definitions.deleteOne({ _id: name });
      cached = null;
      await values.deleteMany({ revision: doc.revision });
      await backfills.deleteOne({ _id: doc.revision });
    },

    /**
     * Restarts backfills whose process stopped (no progress for a minute); the sweeper calls it under its lease.
     * A restart recomputes from the start: every recomputation is idempotent.
     */
    async resumeStaleBackfills(): Promise<number> {
      const stale = new Date(Date.now() - STALE_BACKFILL_MS).toISOString();
      const found = await backfills.find({ status: 'computing', updatedAt: { $lt: stale } }).toArray();
      for (const doc of found) {
        const def = await definitions.findOne({ revision: doc._id });
        if (!def) await backfills.deleteOne({ _id: doc._id });
        else void startBackfill(def);
      }
      return found.length;
    },

    /** Whether some attribute is computed from events of this name. */
    readsEvent: async (name: string): Promise<boolean> => (await all()).some((def) => def.event === name),

    /** Called while routing each accepted event (retried by the sweeper until it succeeds). */
    async onEvent(event: { customerId: string; event: string; properties?: unknown }): Promise<void> {
      for (const def of await all()) {
        if (def.event === event.event && filterMatches(event.properties ?? {}, def.where))
          await recompute(def, event.customerId);
      }
    },

    /** The customer's current values by attribute name; attributes without a matching event are absent. */
    valuesFor: async (customerId: string): Promise<ComputedValues> =>
      computedValuesOf(db, customerId, await all()),
  };
}

export type ComputedAttributeService = ReturnType<typeof computedAttributeService>;
