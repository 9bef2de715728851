import type { Context, Liquid } from 'liquidjs';
import { DateTime, IANAZone } from 'luxon';

/** Custom Liquid filters for message templates, shared by the API preview and the worker's send. */

const DEFAULT_DATE_FORMAT = 'yyyy-LL-dd HH:mm';
/** Epoch numbers below this are seconds (Liquid's convention), above it milliseconds (JavaScript's). */
const EPOCH_MS_THRESHOLD = 100_000_000_000;

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '' || value === false;
}

function validZone(zone: unknown): string | undefined {
  return typeof zone === 'string' && zone.trim() && IANAZone.isValidZone(zone.trim())
    ? zone.trim()
    : undefined;
}

function toDateTime(value: unknown): DateTime | undefined {
  if (value instanceof Date) return DateTime.fromJSDate(value);
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()))) {
    const n = Number(value);
    return DateTime.fromMillis(Math.abs(n) < EPOCH_MS_THRESHOLD ? n * 1000 : n);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === 'now' || text === 'today') return DateTime.now();
    return DateTime.fromISO(text, { setZone: true });
  }
  return undefined;
}

/**
 * `{{ value | date_in_tz: zone, format, locale }}`: an ISO date, a Date or an epoch (seconds or ms)
 * shown in `zone` (IANA name). A missing or unknown zone falls back to the customer's `profile.timezone`,
 * then UTC, so bad profile data never fails a send. `format` uses luxon tokens (default
 * "yyyy-LL-dd HH:mm"). Blank input renders nothing; input that is not a date is returned unchanged.
 */
export function dateInTz(
  this: { context?: Context } | undefined,
  value: unknown,
  zone?: unknown,
  format?: unknown,
  locale?: unknown,
) {
  if (isBlank(value)) return '';
  const parsed = toDateTime(value);
  if (!parsed?.isValid) return String(value);
  const profileZone = this?.context?.getSync(['profile', 'timezone']);
  const tz = validZone(zone) ?? validZone(profileZone) ?? 'UTC';
  const fmt = typeof format === 'string' && format ? format : DEFAULT_DATE_FORMAT;
  let shown = parsed.setZone(tz);
  if (typeof locale === 'string' && locale) shown = shown.setLocale(locale);
  return shown.toFormat(fmt);
}

/**
 * `{{ amount | money: "EUR", "de-DE" }}`: the amount as currency via Intl.NumberFormat (locale default
 * "en-US"). Blank input renders nothing; non-numeric input is returned unchanged; a bad currency or locale
 * is a template error.
 */
export function money(value: unknown, currency?: unknown, locale?: unknown) {
  if (isBlank(value)) return '';
  const amount = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(amount)) return String(value);
  if (typeof currency !== 'string' || !currency.trim()) {
    throw new Error('money: a currency code is required, e.g. money: "EUR"');
  }
  const where = typeof locale === 'string' && locale ? locale : 'en-US';
  try {
    return new Intl.NumberFormat(where, { style: 'currency', currency: currency.trim() }).format(amount);
  } catch (error) {
    throw new Error(`money: ${(error as Error).message} (currency "${currency}", locale "${where}")`);
  }
}

export function registerFilters(engine: Liquid): void {
  engine.registerFilter('date_in_tz', dateInTz);
  engine.registerFilter('money', money);
}
