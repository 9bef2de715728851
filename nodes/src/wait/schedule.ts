import { DateTime } from 'luxon';

/** The first instant at or after `nowMs` that is `time` (HH:MM) local in `zone` on an allowed weekday. */
export function nextTimeOfDay(nowMs: number, zone: string, time: string, weekdays?: number[]): number {
  const [hour, minute] = time.split(':').map(Number);
  const now = DateTime.fromMillis(nowMs, { zone });
  for (let day = 0; day <= 7; day++) {
    const candidate = now.plus({ days: day }).set({ hour, minute, second: 0, millisecond: 0 });
    if (candidate.toMillis() < nowMs) continue;
    if (weekdays && weekdays.length > 0 && !weekdays.includes(candidate.weekday)) continue;
    return candidate.toMillis();
  }
  throw new Error(`No allowed weekday in ${JSON.stringify(weekdays)}`);
}

/** Parses an ISO date string or epoch milliseconds held in a profile attribute. */
export function parseDate(value: unknown, zone: string): DateTime | null {
  if (typeof value === 'number') return DateTime.fromMillis(value, { zone });
  if (typeof value !== 'string') return null;
  const parsed = DateTime.fromISO(value, { zone });
  return parsed.isValid ? parsed : null;
}

/** The date plus the offset; with `yearly`, the next anniversary (at or after now) of that moment. */
export function dateWithOffset(date: DateTime, offsetMs: number, nowMs: number, yearly: boolean): number {
  let target = date.plus({ milliseconds: offsetMs });
  if (!yearly) return target.toMillis();
  const now = DateTime.fromMillis(nowMs, { zone: date.zone });
  target = target.set({ year: now.year });
  if (target.toMillis() < nowMs) target = target.plus({ years: 1 });
  return target.toMillis();
}
