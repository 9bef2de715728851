/**
 * Analytics facts (enrollments, steps, deliveries, events, receipts) carry `foldKey`: the UTC minute their
 * writer last changed them ("2026-11-27T15:04"). The analytics fold finds what changed by looking these
 * minutes up one by one, an equality every store serves from an index (FerretDB cannot serve ranges).
 */
export const FOLD_KEY_MS = 60_000;

export function foldKeyOf(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / FOLD_KEY_MS) * FOLD_KEY_MS).toISOString().slice(0, 16);
}
