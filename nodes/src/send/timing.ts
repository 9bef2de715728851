import { DateTime } from 'luxon';
import { nextTimeOfDay } from '../wait/schedule.ts';

export interface QuietHours {
  /** Local time the quiet period starts, HH:MM. */
  start: string;
  /** Local time it ends, HH:MM; may be earlier than `start` (overnight). */
  end: string;
}

export interface FrequencyCap {
  channel: 'email' | 'sms' | 'push' | 'webhook';
  max: number;
  windowHours: number;
}

export interface DeliverySettings {
  quietHours: QuietHours | null;
  frequencyCaps: FrequencyCap[];
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = { quietHours: null, frequencyCaps: [] };

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** When `nowMs` falls inside the customer's quiet hours, the instant they end; otherwise null. */
export function quietHoursEnd(nowMs: number, zone: string, quiet: QuietHours | null): number | null {
  if (!quiet || quiet.start === quiet.end) return null;
  const local = DateTime.fromMillis(nowMs, { zone });
  const minute = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  return inside ? nextTimeOfDay(nowMs, zone, quiet.end) : null;
}

export interface LoggedSend {
  channel: string;
  at: number;
  transactional?: boolean;
}

/** How many sends a journey of this priority may make in one window: low priorities leave the last slot. */
export function capAllowance(cap: FrequencyCap, priority = 5): number {
  return priority < 5 && cap.max > 1 ? cap.max - 1 : cap.max;
}

/**
 * When the customer is at the cap for this channel, the instant a slot frees up; otherwise null.
 * Low-priority journeys (priority below 5) leave the last slot of each window to higher-priority ones.
 */
export function capReleaseAt(
  nowMs: number,
  log: LoggedSend[],
  cap: FrequencyCap,
  priority = 5,
): number | null {
  const windowMs = cap.windowHours * 3_600_000;
  const inWindow = log
    .filter((s) => s.channel === cap.channel && !s.transactional && s.at > nowMs - windowMs)
    .map((s) => s.at)
    .sort((a, b) => a - b);
  const allowed = capAllowance(cap, priority);
  if (inWindow.length < allowed) return null;
  return inWindow[inWindow.length - allowed] + windowMs;
}
