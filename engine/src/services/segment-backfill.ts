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
  refresh: (segments: SegmentDoc[], customerIds: string[], cause: string) => Promise<unknown>,
  periodMs = 30_000,
  settleMs = BACKFILL_SETTLE_MS,
) {
  const { docs } = backfillStore(db);
  const segments = db.collection<SegmentDoc>(COLLECTIONS.segments);
  const profiles = db.collection<{ _id: string }>(COLLECTIONS.profiles);
  const members = db.collection<{ _id: string; customerId: string }>(COLLECTIONS.segmentMembers);
  const lease = leases(db);

  interface Runnable {
    job: BackfillDoc;
    segment: SegmentDoc;
    until: number;
  }

  /**
   * The ids still to visit, after the earliest cursor, in order: one query per pass and lease period, read
   * a page at a time (FerretDB sorts and filters ranges in memory, so a query per page would read the whole
   * collection per page). Jobs reading profiles share it: their candidates, together.
   */
  const remaining = (group: Runnable[]) => {
    const { job } = group[0];
    const after = group.map((r) => r.job.cursor).sort()[0];
    if (job.phase === 'members')
      return members
        .find({ segmentId: job.segmentId, _id: { $gt: after } }, { projection: { customerId: 1 } })
        .sort({ _id: 1 })
        .batchSize(PAGE)
        .map((m) => ({ id: m.customerId, cursor: m._id }));
    const candidates = group.map(
      (r) => candidateQuery(segmentDefinition(r.segment).rules!, new Date()).query,
    );
    return profiles
      .find(
        {
          $and: [candidates.length === 1 ? candidates[0] : { $or: candidates }, { _id: { $gt: after } }],
        } as never,
        { projection: { _id: 1 } },
      )
      .sort({ _id: 1 })
      .batchSize(PAGE)
      .map((p) => ({ id: p._id, cursor: p._id }));
  };

  /**
   * Claims the period after `until` for every job of the pass before it starts, so the holder keeps its
   * cursor (a new query re-reads and re-sorts the collection on FerretDB). Returns the pass's new end:
   * `until` again if another process already holds the next period of any of them.
   */
  const renew = async (group: Runnable[], until: number, holder: string) => {
    const next = await Promise.all(
      group.map((r) => lease.claim(`backfill:${r.job._id}`, periodMs, holder, until)),
    );
    return next.every((n) => n !== null) ? Math.min(...(next as number[])) : until;
  };

  /** What finishing the job's phase changes. */
  const phaseDone = (job: BackfillDoc): Partial<BackfillDoc> => {
    // A first generation's members all came from evaluations of these rules: none needs another look.
    if (job.phase === 'profiles' && job.generation === 1) return { done: true };
    if (job.phase === 'profiles') return { phase: 'members', cursor: '' };
    return { done: true };
  };

  /**
   * Advances a pass (jobs of one phase and generation; re-evaluating a customer a job already passed changes
   * nothing) until it ends or a lease does, saving each job's cursor after every page.
   */
  const advance = async (
    group: Runnable[],
    holder: string,
  ): Promise<{ jobs: BackfillDoc[]; until: number }> => {
    let jobs = group.map((r) => r.job);
    let until = Math.min(...group.map((r) => r.until));
    const cursor = remaining(group);
    try {
      for (;;) {
        const page: { id: string; cursor: string }[] = [];
        while (page.length < PAGE && (await cursor.hasNext())) page.push((await cursor.next())!);
        if (page.length)
          await refresh(
            group.map((r) => r.segment),
            page.map((p) => p.id),
            `backfill:${jobs[0].generation}`,
          );
        const last = page.at(-1)?.cursor ?? '';
        jobs = await Promise.all(
          jobs.map(async (job) => {
            const counted = job.phase === 'profiles' ? page.length : 0;
            const processed = Math.min(job.total, job.processed + counted);
            const change: Partial<BackfillDoc> =
              page.length === PAGE
                ? { cursor: last > job.cursor ? last : job.cursor, processed }
                : { ...phaseDone(job), processed };
            await docs.updateOne({ _id: job._id }, { $set: change });
            return { ...job, ...change };
          }),
        );
        if (page.length < PAGE) return { jobs, until };
        if (Date.now() >= until - periodMs / 3) until = await renew(group, until, holder);
        if (Date.now() >= until) return { jobs, until };
      }
    } finally {
      await cursor.close();
    }
  };

  return {
    /** Advances every unfinished backfill this process can lease; returns how many it finished. */
    async run(holder: string): Promise<number> {
      const runnable: Runnable[] = [];
      for (const job of await docs.find({ done: false }).limit(20).toArray()) {
        const segment = await segments.findOne({ _id: job.segmentId });
        if (!segment || segment.deleted || segment.generation !== job.generation) {
          await docs.updateOne({ _id: job._id }, { $set: { done: true } });
          continue;
        }
        if (job.startedAt && Date.now() - Date.parse(job.startedAt) < settleMs) continue;
        const until = await lease.claim(`backfill:${job._id}`, periodMs, holder);
        if (until !== null) runnable.push({ job, segment, until });
      }
      // New segments' backfills (the same generation, reading profiles) share one pass over the customers.
      const passes = new Map<string, Runnable[]>();
      for (const r of runnable) {
        const key = r.job.phase === 'profiles' ? `profiles:${r.job.generation}` : r.job._id;
        passes.set(key, [...(passes.get(key) ?? []), r]);
      }
      let finished = 0;
      const queue = [...passes.values()];
      for (let pass = queue.shift(); pass; pass = queue.shift()) {
        const { jobs, until } = await advance(pass, holder);
        finished += jobs.filter((j) => j.done).length;
        if (Date.now() >= until) continue;
        // A job that moved on to its members goes on in a pass of its own.
        for (const [i, r] of pass.entries())
          if (!jobs[i].done && jobs[i].phase !== r.job.phase) queue.push([{ ...r, job: jobs[i], until }]);
      }
      return finished;
    },
  };
}
