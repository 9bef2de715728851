// The product's fold building the rollups of bulk-loaded facts: a 1,000-enrollment journey, then the big one,
// each followed by an idle pass, then 100 fresh entries into each. Phases run one after the other on a
// simulated clock ten minutes apart (facts stamped, and folds run, at those minutes), so each pass reads
// the fold keys of its own phase only: the fold re-reads the last five minutes of keys (FOLD_MARGIN_MS).
import { COLLECTIONS } from '@itinera/schemas';
import type { Db } from 'mongodb';
import { foldAnalytics } from '../../engine/src/services/analytics/fold.ts';
import { seedJourney } from './seed.ts';

const PHASE_MS = 10 * 60_000;

export const timed = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
};

export async function foldPhases(
  db: Db,
  sizes: { big: number; small: number; smallJourney: string },
  days: number,
  endMs: number,
  log: (line: string) => void,
) {
  const t0 = Date.now();
  const at = (phase: number) => t0 + phase * PHASE_MS;
  // A live product whose fold has kept up: its checkpoint says so.
  await db
    .collection<{ _id: string; through: string; keyed: boolean }>(COLLECTIONS.analyticsState)
    .insertOne({ _id: 'fold', through: new Date(at(-1)).toISOString(), keyed: true });
  const small = { journeyId: sizes.smallJourney, prefix: 'small' };
  const [smallSeedMs, smallFacts] = await timed(() =>
    seedJourney(db, sizes.small, days, endMs, { ...small, stampMs: at(0) }),
  );
  log(`seeded ${sizes.small} enrollments (${smallFacts} facts) in ${Math.round(smallSeedMs)} ms; folding`);
  const [smallFoldMs] = await timed(() => foldAnalytics(db, at(1)));
  const [smallIdleMs] = await timed(() => foldAnalytics(db, at(2)));
  log(`small: backfill ${Math.round(smallFoldMs)} ms, idle ${Math.round(smallIdleMs)} ms`);

  const [seedMs, bigFacts] = await timed(() => seedJourney(db, sizes.big, days, endMs, { stampMs: at(3) }));
  log(`seeded ${sizes.big} enrollments (${bigFacts} facts) in ${Math.round(seedMs)} ms; folding`);
  const [foldMs, buckets] = await timed(() => foldAnalytics(db, at(4)));
  const [idleFoldMs] = await timed(() => foldAnalytics(db, at(5)));
  log(`big: backfill ${Math.round(foldMs)} ms (${buckets} buckets), idle ${Math.round(idleFoldMs)} ms`);

  // Busy passes: 100 entries within the last hour, as a live journey records them.
  const recent = Date.now() + 3_600_000;
  await seedJourney(db, 100, 1 / 24, recent, { ...small, prefix: 'busy-small', stampMs: at(6) });
  const [busySmallMs] = await timed(() => foldAnalytics(db, at(7)));
  await seedJourney(db, 100, 1 / 24, recent, { prefix: 'busy', stampMs: at(8) });
  const [busyFoldMs] = await timed(() => foldAnalytics(db, at(9)));
  log(`busy passes: small ${Math.round(busySmallMs)} ms, big ${Math.round(busyFoldMs)} ms`);

  const perThousand = (ms: number, facts: number) => Number(((ms * 1000) / facts).toFixed(1));
  const fold = {
    small: {
      enrollments: sizes.small,
      facts: smallFacts,
      backfillMs: Math.round(smallFoldMs),
      backfillMsPer1kFacts: perThousand(smallFoldMs, smallFacts),
      idleMs: Math.round(smallIdleMs),
      busyMs: Math.round(busySmallMs),
    },
    big: {
      enrollments: sizes.big,
      facts: bigFacts,
      backfillMs: Math.round(foldMs),
      backfillMsPer1kFacts: perThousand(foldMs, bigFacts),
      idleMs: Math.round(idleFoldMs),
      busyMs: Math.round(busyFoldMs),
    },
  };
  const per1kRatio = Number((fold.big.backfillMsPer1kFacts / fold.small.backfillMsPer1kFacts).toFixed(2));
  return { seedMs, foldMs, idleFoldMs, busyFoldMs, buckets, fold: { ...fold, per1kRatio } };
}
