/**
 * A rollup bucket is one document per (journey, UTC hour) holding flat rows; a row is one counter of one
 * kind, keyed by version, node, port or status, channel, reason and variant. Rows (not nested maps) keep
 * node ids and free-text reasons out of document keys, which FerretDB restricts.
 */
import { HOUR_MS } from '@itinera/schemas';

export { HOUR_MS };
export interface Row {
  /** Journey version of the enrollment the fact belongs to. */
  v: number;
  k: RowKind;
  /** Node id. */
  n?: string;
  /** Port, status or histogram bin. */
  p?: string;
  /** Channel. */
  c?: string;
  /** Reason. */
  r?: string;
  /** Variant: `splitNodeId:port`, or absent for the whole journey. */
  x?: string;
  count: number;
  sum?: number;
}

export type RowKind =
  | 'entered'
  | 'ended'
  | 'convertTime'
  | 'passed'
  | 'nodeTime'
  | 'send'
  | 'opens'
  | 'clicks'
  | 'unsub'
  | 'revenue'
  /** A provider receipt of a delivery; `p` is its status. */
  | 'receipt'
  /** +1 or -1 on who waits at node `n` (waiting.ts); summed over all time, not per range. */
  | 'here'
  // Experiment arms, counted in the enrollment's entry hour (engine/src/services/analytics/arms.ts).
  | 'armEntered'
  | 'armConverted'
  | 'armClicked'
  | 'armRevenue'
  | 'armRevenueSq';

export const DAY_MS = 24 * HOUR_MS;
export const hourOf = (iso: string) => Math.floor(Date.parse(iso) / HOUR_MS) * HOUR_MS;
export const isoHour = (ms: number) => new Date(ms).toISOString();

/** Adds rows with equal keys together. */
export class RowSet {
  private readonly rows = new Map<string, Row>();
  add(row: Omit<Row, 'count'> & { count?: number }) {
    const key = [row.v, row.k, row.n, row.p, row.c, row.r, row.x].join('\u0001');
    const existing = this.rows.get(key);
    if (existing) {
      existing.count += row.count ?? 1;
      if (row.sum !== undefined) existing.sum = (existing.sum ?? 0) + row.sum;
    } else {
      const clean = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
      this.rows.set(key, { count: 1, ...clean } as Row);
    }
  }
  /** The row once for the whole journey and once per variant the enrollment is in. */
  addForVariants(row: Omit<Row, 'count' | 'x'> & { count?: number }, variants: readonly string[]) {
    this.add(row);
    for (const x of variants) this.add({ ...row, x });
  }
  toArray(): Row[] {
    return [...this.rows.values()];
  }
}

/**
 * Durations go into log-spaced bins (20 per decade of seconds, about 12% wide), so medians over any
 * range of buckets come from adding bins; the median is interpolated inside its bin.
 */
const BINS_PER_DECADE = 20;
export function durationBin(ms: number): number {
  const seconds = Math.max(ms / 1000, 0.001);
  return Math.max(0, Math.floor(Math.log10(seconds * 1000) * BINS_PER_DECADE));
}
const binLowerMs = (bin: number) => 10 ** (bin / BINS_PER_DECADE);

export function medianFromBins(bins: Map<number, number>): number | null {
  const total = [...bins.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const half = total / 2;
  let seen = 0;
  for (const bin of [...bins.keys()].sort((a, b) => a - b)) {
    const count = bins.get(bin)!;
    if (seen + count >= half) {
      const lower = binLowerMs(bin);
      const upper = binLowerMs(bin + 1);
      return Math.round(lower + ((half - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return null;
}
