/**
 * Analytics facts (enrollments, steps, deliveries, events, receipts) carry `foldKey`: the UTC minute their
 * writer last changed them ("2026-11-27T15:04"). The analytics fold finds what changed by looking these
 * minutes up one by one, an equality every store serves from an index (FerretDB cannot serve ranges).
 */
export const FOLD_KEY_MS = 60_000;

export function foldKeyOf(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / FOLD_KEY_MS) * FOLD_KEY_MS).toISOString().slice(0, 16);
}

export const HOUR_MS = 3_600_000;

/**
 * The UTC hour a fact's own time falls in ("2026-11-27T15:00:00.000Z"), stamped beside it (`enteredHour`,
 * `endedHour`, a step's `hour`, a delivery's `createdHour`) so the fold reads an hour's facts by equality.
 */
export function hourKeyOf(at: string | number): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
}
