import type { Db } from 'mongodb';
import { readBuckets } from '../services/analytics/report.ts';
import { DAY_MS, type Row } from '../services/analytics/rows.ts';
import type { ArmCounts } from './analysis.ts';

/**
 * Rollups are read up to this far past now: facts carry the workflow clock, which may run ahead of this
 * process's (a time-skipping test server, clock skew).
 */
const AHEAD_MS = 7 * DAY_MS;

/** Every arm row (`k` starting with `arm`) of a journey's rollups, from its creation on. */
export async function armRows(db: Db, journeyId: string, sinceIso: string, nowMs = Date.now()) {
  const fromMs = Math.floor(Date.parse(sinceIso) / DAY_MS) * DAY_MS;
  const toMs = Math.ceil((nowMs + AHEAD_MS) / DAY_MS) * DAY_MS;
  const buckets = await readBuckets(db, journeyId, fromMs, toMs);
  return buckets.flatMap((b) => b.rows.filter((r) => r.k.startsWith('arm')));
}

/**
 * Each arm's counts from the folded arm rows (`x` = `${prefix}:${arm.id}`): entered, converted, clicked,
 * and revenue as n (every entrant), sum and sum of squares of each entrant's revenue.
 */
export function countArms(rows: Row[], prefix: string, arms: { id: string; label: string }[]): ArmCounts[] {
  return arms.map(({ id, label }) => {
    const x = `${prefix}:${id}`;
    const total = (k: Row['k'], field: 'count' | 'sum') => {
      let sum = 0;
      for (const row of rows) if (row.x === x && row.k === k) sum += row[field] ?? 0;
      return sum;
    };
    const entered = total('armEntered', 'count');
    return {
      id,
      label,
      entered,
      converted: total('armConverted', 'count'),
      clicked: total('armClicked', 'count'),
      revenue: { n: entered, sum: total('armRevenue', 'sum'), sumSquares: total('armRevenueSq', 'sum') },
    };
  });
}
