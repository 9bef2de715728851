import { HttpError } from '../../plugins/errors.ts';

const UNIT_MS: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};
const WORDS = /^\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week)s?\s*$/i;
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** "1 day", "36 hours" or an ISO 8601 duration ("P3DT4H") in milliseconds; `field` names it in a 400. */
export function parseDelay(text: string, field: string): number {
  const words = WORDS.exec(text);
  if (words) return Math.round(Number(words[1]) * UNIT_MS[words[2]!.toLowerCase()]!);
  const iso = ISO.exec(text);
  if (iso && text !== 'P' && !text.endsWith('T')) {
    const [w, d, h, m, s] = iso.slice(1).map((n) => Number(n ?? 0));
    return (w! * 7 + d!) * UNIT_MS.day! + h! * UNIT_MS.hour! + m! * UNIT_MS.minute! + s! * 1_000;
  }
  throw new HttpError(400, `${field} must read like "1 day", "36 hours" or "P3DT4H"`, field);
}
