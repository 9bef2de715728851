import { randomUUID } from 'node:crypto';
import {
  candidateQuery,
  type EmitOptions,
  type SegmentClockScheduler,
  type SegmentDefinition,
  type SegmentDoc,
  type SegmentEventEmitter,
  segmentDefinition,
  segmentEvaluator,
  segmentMembership,
  segmentRefresher,
} from '@itinera/nodes/segments';
import {
  COLLECTIONS,
  CONSENT_CHANGED_EVENT,
  decodeStored,
  encodeStored,
  type SegmentBody,
  type SegmentPatch,
  type SegmentReads,
  type SegmentRule,
  type SegmentView,
  segmentReads,
  segmentRuleProblem,
} from '@itinera/schemas';
import { type Db, MongoServerError } from 'mongodb';
import { HttpError } from '../plugins/errors.ts';
import type { EventDoc } from './event-parsing.ts';
import { newCustomers } from './new-customers.ts';
import { backfillRunner, backfillStore } from './segment-backfill.ts';
import { affectedBy, BACKFILL_SETTLE_MS, segmentIndex } from './segment-refresh.ts';
import { computedRefs, leafPaths, readsEvent } from './segment-refs.ts';
import { slugify } from './templates.ts';

const DUPLICATE_KEY = 11000;
const DRY_RUN_LIMIT = 5_000;
const NO_READS: SegmentReads = { traits: [], events: [], segments: [], timeRelative: false };

/** Segment definitions, their validation, and keeping a customer's memberships current on each event. */
export function segmentService(db: Db, emit: SegmentEventEmitter, schedule?: SegmentClockScheduler) {
  const segments = db.collection<SegmentDoc>(COLLECTIONS.segments);
  const profiles = db.collection<{ _id: string }>(COLLECTIONS.profiles);
  const evaluator = segmentEvaluator(db);
  const membership = segmentMembership(db, emit);
  const backfills = backfillStore(db);
  const computed = computedRefs(db);
  const index = segmentIndex(db);
  const ensureCustomers = newCustomers(db);
  /** Evaluates and applies; a time-relative result also sets the customer's segment clock. */
  const refresh = segmentRefresher(db, evaluator, membership, schedule);
  const runner = backfillRunner(db, async (passSegments, customerIds, cause) =>
    refresh(passSegments, customerIds, cause, { referrers: await index.get() }),
  );
  /** Starts a new backfill once it has settled; the sweeper's ticks finish whatever this does not. */
  const kick = () => {
    index.invalidate();
    setTimeout(() => {
      runner.run(`kick:${process.pid}:${Date.now()}`).catch(() => undefined);
    }, BACKFILL_SETTLE_MS + 100).unref();
  };

  const affectedSegments = async (doc: Pick<EventDoc, 'event' | 'properties' | 'traits'>) => {
    const all = await index.get();
    const changed = doc.event ? await computed.changedBy(doc.event) : [];
    return all.filter(
      (s) =>
        (affectedBy([s], doc).length > 0 ||
          s.reads.events.includes(doc.event) ||
          (doc.event === CONSENT_CHANGED_EVENT && s.reads.consent) ||
          (s.reads.computed ?? []).some((c) => changed.includes(c))) &&
        readsEvent(s, doc),
    );
  };

  const find = async (id: string) => {
    const doc = await segments.findOne({ _id: id, deleted: { $ne: true } });
    if (!doc) throw new HttpError(404, `Segment "${id}" does not exist`, 'id');
    return doc;
  };

  const view = async (doc: SegmentDoc): Promise<SegmentView> => {
    const { _id, rules, reads: _, generation, deleted: __, ...rest } = doc;
    const progress = doc.kind === 'manual' ? null : await backfills.progress(_id, generation);
    return {
      id: _id,
      ...rest,
      ...(rules ? { rules: decodeStored(rules) as SegmentRule } : {}),
      status: progress && !progress.done ? 'computing' : 'ready',
      progress: { processed: progress?.processed ?? 0, total: progress?.total ?? 0 },
    };
  };

  /** Refuses a rule tree that is malformed, names a missing segment, or would make membership circular. */
  const checkRules = async (rules: unknown, selfId: string) => {
    const problem = segmentRuleProblem(rules);
    if (problem) throw new HttpError(400, `${problem.path} ${problem.message}`, problem.path);
    await computed.check(rules as SegmentRule);
    for (const { path: at, leaf } of leafPaths(rules as SegmentRule)) {
      if (leaf.kind !== 'inSegment') continue;
      const path = `${at}.segment`;
      const target = leaf.segment;
      const seen = new Set<string>();
      const stack = [target];
      while (stack.length) {
        const id = stack.pop() as string;
        if (id === selfId) throw new HttpError(400, `${path} would make segment membership circular`, path);
        if (seen.has(id)) continue;
        seen.add(id);
        const doc = await segments.findOne({ _id: id, deleted: { $ne: true } });
        if (!doc) throw new HttpError(400, `${path} names segment "${id}", which does not exist`, path);
        stack.push(...doc.reads.segments);
      }
    }
  };

  const countCandidates = (rules: SegmentRule) =>
    profiles.countDocuments(candidateQuery(rules, new Date()).query as never);
  const encodeRules = (rules: SegmentRule) => encodeStored(rules, 'rules');

  return {
    membership,
    evaluator,
    backfills,
    /** Advances unfinished backfills under their leases (the API's sweeper calls it). */
    runBackfills: (holder: string) => runner.run(holder),

    async list(): Promise<SegmentView[]> {
      const docs = await segments
        .find({ deleted: { $ne: true } })
        .sort({ updatedAt: -1 })
        .limit(500)
        .toArray();
      return Promise.all(docs.map(view));
    },
    async get(id: string) {
      return view(await find(id));
    },
    definition: async (id: string) => segmentDefinition(await find(id)),

    async create(body: SegmentBody): Promise<SegmentView> {
      const kind = body.kind ?? 'rules';
      if (kind === 'manual' && body.rules)
        throw new HttpError(400, 'rules: a manual segment has no rules', 'rules');
      if (kind === 'rules' && body.rules === undefined)
        throw new HttpError(400, 'rules is required for a rules segment', 'rules');
      const id = body.id ?? slugify(body.name);
      if (kind === 'rules') await checkRules(body.rules, id);
      const now = new Date().toISOString();
      const rules = body.rules as SegmentRule | undefined;
      const doc: SegmentDoc = {
        _id: id,
        kind,
        name: body.name,
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(rules ? { rules: encodeRules(rules) } : {}),
        reads: rules ? segmentReads(rules) : NO_READS,
        generation: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await segments.insertOne(doc);
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY)
          throw new HttpError(409, `Segment "${id}" already exists (deleted segments keep their id)`, 'id');
        throw error;
      }
      if (rules) {
        await backfills.start(id, 1, await countCandidates(rules));
        kick();
      }
      return view(doc);
    },

    async update(id: string, patch: SegmentPatch): Promise<SegmentView> {
      const doc = await find(id);
      const $set: Partial<SegmentDoc> = { updatedAt: new Date().toISOString() };
      if (patch.name !== undefined) $set.name = patch.name;
      if (patch.description !== undefined) $set.description = patch.description;
      if (patch.rules !== undefined) {
        if (doc.kind === 'manual') throw new HttpError(400, 'rules: a manual segment has no rules', 'rules');
        await checkRules(patch.rules, id);
        const rules = patch.rules as SegmentRule;
        Object.assign($set, {
          rules: encodeRules(rules),
          reads: segmentReads(rules),
          generation: doc.generation + 1,
        });
        await backfills.start(id, doc.generation + 1, await countCandidates(rules));
      }
      await segments.updateOne({ _id: id }, { $set });
      if (patch.rules !== undefined) kick();
      return view({ ...doc, ...$set });
    },

    /** Deletes the segment and its memberships (no exit events); its id stays taken. */
    async remove(id: string) {
      await find(id);
      const dependants = await segments.findOne({ 'reads.segments': id, deleted: { $ne: true } });
      if (dependants)
        throw new HttpError(409, `Segment "${dependants._id}" refers to this segment; change it first`, 'id');
      await segments.updateOne({ _id: id }, { $set: { deleted: true, updatedAt: new Date().toISOString() } });
      index.invalidate();
      await membership.clear(id);
    },

    /** How many customers match a rule tree now, with a sample: for the editor while the rules change. */
    async dryRun(rules: unknown, sample: number) {
      await checkRules(rules, '');
      const { query } = candidateQuery(rules as SegmentRule, new Date());
      const candidates = await profiles
        .find(query as never, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(DRY_RUN_LIMIT)
        .toArray();
      const definition: SegmentDefinition = {
        id: 'dry-run',
        name: 'dry run',
        kind: 'rules',
        rules: rules as SegmentRule,
      };
      const matching: string[] = [];
      for (const { _id } of candidates)
        if ((await evaluator.evaluate(definition, _id)).member) matching.push(_id);
      return { count: matching.length, evaluated: candidates.length, sample: matching.slice(0, sample) };
    },

    /**
     * Re-evaluates, for this customer, only the segments whose rules read what the event changed, from one
     * read per collection; the list of segments comes from a cache at most SEGMENT_INDEX_TTL_MS old.
     */
    async onEvent(doc: EventDoc, options: EmitOptions = {}) {
      if (options.referrersEvaluated) return;
      const affected = await affectedSegments(doc);
      if (affected.length)
        await refresh(affected, [doc.customerId], doc._id, { referrers: await index.get() });
    },

    /** Whether some segment would re-evaluate on this event (by the same cached lists as `onEvent`). */
    async reactsTo(event: Pick<EventDoc, 'event' | 'properties' | 'traits'>): Promise<boolean> {
      return (await affectedSegments(event)).length > 0;
    },

    /** Recomputes, in the background, every segment that reads a computed attribute whose values all changed. */
    async recomputeReaders(attribute: string) {
      const readers = await segments.find({ 'reads.computed': attribute, deleted: { $ne: true } }).toArray();
      for (const doc of readers) {
        const generation = doc.generation + 1;
        const rules = segmentDefinition(doc).rules as SegmentRule;
        // The backfill's unique id claims the generation: of racing processes (or an edit), one starts it.
        const claimed = await backfills.start(doc._id, generation, await countCandidates(rules)).then(
          () => true,
          (error) => {
            if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
            throw error;
          },
        );
        if (claimed)
          await segments.updateOne({ _id: doc._id, generation: doc.generation }, { $set: { generation } });
      }
      if (readers.length) kick();
    },

    /**
     * Brings what stored segments say they read up to this release's reading of their rules (segments saved
     * before rules could read consent or computed attributes lack those keys, so such changes never reached
     * them). Idempotent and the same in every process: each writes the same value, so racing starts agree.
     */
    async refreshStoredReads(): Promise<number> {
      let updated = 0;
      for (const doc of await segments.find({ kind: 'rules', deleted: { $ne: true } }).toArray()) {
        if (!doc.rules) continue;
        const reads = segmentReads(decodeStored(doc.rules) as SegmentRule);
        if (JSON.stringify(reads) === JSON.stringify(doc.reads)) continue;
        await segments.updateOne({ _id: doc._id }, { $set: { reads } });
        updated++;
      }
      if (updated) index.invalidate();
      return updated;
    },

    /** Adds or removes members of a manual segment; each change is recorded and emitted. */
    async changeManual(id: string, change: { add?: string[]; remove?: string[] }) {
      const doc = await find(id);
      if (doc.kind !== 'manual') throw new HttpError(400, `Segment "${id}" is computed from rules`, 'id');
      const definition = segmentDefinition(doc);
      let added = 0;
      let removed = 0;
      // Members named here may be new customers; their segment events are only stored when nothing listens.
      await ensureCustomers(change.add ?? [], new Date().toISOString());
      for (const customerId of change.add ?? [])
        if (await membership.enter(definition, customerId, 'added through the API', `manual:${randomUUID()}`))
          added++;
      for (const customerId of change.remove ?? [])
        if (await membership.leaveById(definition, customerId, 'removed through the API')) removed++;
      return { added, removed };
    },

    async customerSegments(customerId: string) {
      const { memberships, changes } = await membership.ofCustomer(customerId);
      const names = new Map(
        (await segments.find({ _id: { $in: memberships.map((m) => m.segmentId) } }).toArray()).map((s) => [
          s._id,
          s.name,
        ]),
      );
      return {
        segments: memberships.map((m) => ({ ...m, name: names.get(m.segmentId) ?? m.segmentId })),
        changes,
      };
    },
  };
}

export type SegmentService = ReturnType<typeof segmentService>;
