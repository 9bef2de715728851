import { candidateQuery, type SegmentDoc, segmentDefinition } from '@itinera/nodes/segments';
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { leases } from './lease.ts';
import { BACKFILL_SETTLE_MS } from './segment-refresh.ts';

/** Progress of evaluating one generation of a segment's rules over every existing customer. */
export interface BackfillDoc {
  /** `<segmentId>:<generation>` */
  _id: string;
  segmentId: string;
  generation: number;
  /** Customers the store query could not rule out, when the backfill started. */
  total: number;
  processed: number;
  /** When the backfill was asked for (ISO); it waits BACKFILL_SETTLE_MS from then. Older documents lack it. */
  startedAt?: string;
  /** First every candidate profile, then every current member (who may no longer match). */
  phase: 'profiles' | 'members';
  /** The last `_id` done in the current phase. */
  cursor: string;
  done: boolean;
}

const PAGE = 200;

export function backfillStore(db: Db) {
  const docs = db.collection<BackfillDoc>(COLLECTIONS.segmentBackfills);
  return {
    docs,
    async start(segmentId: string, generation: number, total: number) {
      await docs.insertOne({
        _id: `${segmentId}:${generation}`,
        segmentId,
        generation,
        total,
        processed: 0,
        phase: 'profiles',
        cursor: '',
        done: false,
        startedAt: new Date().toISOString(),
      });
    },
    progress: (segmentId: string, generation: number) => docs.findOne({ _id: `${segmentId}:${generation}` }),
  };
}

/**
 * Works through unfinished backfills, each under a time-bucketed lease so one process at a time advances
 * it; the cursor is saved after every page, so a process that dies leaves the rest to the next holder.
 * Ingestion never waits for it: events keep re-evaluating their customer meanwhile.
 */
export function backfillRunner(
  db: Db,
  refresh: (segment: SegmentDoc, customerIds: string[], cause: string) => Promise<void>,
  periodMs = 30_000,
  settleMs = BACKFILL_SETTLE_MS,
) {
  const { docs } = backfillStore(db);
  const segments = db.collection<SegmentDoc>(COLLECTIONS.segments);
  const profiles = db.collection<{ _id: string }>(COLLECTIONS.profiles);
  const members = db.collection<{ _id: string; customerId: string }>(COLLECTIONS.segmentMembers);
  const lease = leases(db);

  /**
   * The ids still to visit in the job's phase, after its cursor, in order: one query per phase and lease
   * period, read a page at a time (FerretDB sorts and filters ranges in memory, so a query per page would
   * read the whole collection per page).
   */
  const remaining = (job: BackfillDoc, segment: SegmentDoc) =>
    job.phase === 'profiles'
      ? profiles
          .find(
            {
              $and: [
                candidateQuery(segmentDefinition(segment).rules!, new Date()).query,
                { _id: { $gt: job.cursor } },
              ],
            } as never,
            { projection: { _id: 1 } },
          )
          .sort({ _id: 1 })
          .batchSize(PAGE)
          .map((p) => ({ id: p._id, cursor: p._id }))
      : members
          .find({ segmentId: job.segmentId, _id: { $gt: job.cursor } }, { projection: { customerId: 1 } })
          .sort({ _id: 1 })
          .batchSize(PAGE)
          .map((m) => ({ id: m.customerId, cursor: m._id }));

  /** What finishing the job's phase changes. */
  const phaseDone = (job: BackfillDoc): Partial<BackfillDoc> => {
    // A first generation's members all came from evaluations of these rules: none needs another look.
    if (job.phase === 'profiles' && job.generation === 1) return { done: true };
    if (job.phase === 'profiles') return { phase: 'members', cursor: '' };
    return { done: true };
  };

  /** Advances one job until it is done or the lease ends, saving the cursor after every page. */
  const advance = async (job: BackfillDoc, segment: SegmentDoc, until: number): Promise<BackfillDoc> => {
    let current = job;
    const cause = `backfill:${job.generation}`;
    while (!current.done && Date.now() < until) {
      const cursor = remaining(current, segment);
      try {
        for (;;) {
          const page: { id: string; cursor: string }[] = [];
          while (page.length < PAGE && (await cursor.hasNext())) page.push((await cursor.next())!);
          if (page.length)
            await refresh(
              segment,
              page.map((p) => p.id),
              cause,
            );
          const counted = current.phase === 'profiles' ? page.length : 0;
          const change: Partial<BackfillDoc> =
            page.length === PAGE
              ? { cursor: page.at(-1)!.cursor, processed: current.processed + counted }
              : { ...phaseDone(current), processed: current.processed + counted };
          await docs.updateOne({ _id: job._id }, { $set: change });
          current = { ...current, ...change };
          if (page.length < PAGE || Date.now() >= until) break;
        }
      } finally {
        await cursor.close();
      }
    }
    return current;
  };

  return {
    /** Advances every unfinished backfill this process can lease; returns how many it finished. */
    async run(holder: string): Promise<number> {
      let finished = 0;
      for (const job of await docs.find({ done: false }).limit(20).toArray()) {
        const segment = await segments.findOne({ _id: job.segmentId });
        if (!segment || segment.deleted || segment.generation !== job.generation) {
          await docs.updateOne({ _id: job._id }, { $set: { done: true } });
          continue;
        }
        if (job.startedAt && Date.now() - Date.parse(job.startedAt) < settleMs) continue;
        const until = await lease.claim(`backfill:${job._id}`, periodMs, holder);
        if (until === null) continue;
        if ((await advance(job, segment, until)).done) finished++;
      }
      return finished;
    },
  };
}
