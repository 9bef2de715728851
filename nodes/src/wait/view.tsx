import { type Duration, describeDuration } from '../shared/duration.ts';
import { weekdaysText } from '../shared/words.ts';
import type { NodeView } from '../views.ts';

/** "2 days" for a duration-like value, '' otherwise. */
export function durationText(value: unknown): string {
  const d = value as Partial<Duration> | undefined;
  return d && typeof d.amount === 'number' && typeof d.unit === 'string'
    ? describeDuration(d as Duration)
    : '';
}

/** "2 days", "at 09:00 local, Mon–Fri", "3 days before renewal_date". */
export const waitView: NodeView = {
  summary(config) {
    if (config.mode === 'time_of_day')
      return `at ${config.time ?? '?'} local, ${weekdaysText(config.weekdays)}`;
    if (config.mode === 'date_attribute') {
      const offset = durationText(config.offset);
      const when = offset ? `${offset} ${config.offsetDirection ?? 'before'}` : 'until';
      return `${when} ${config.attribute ?? '?'}${config.yearly ? ', every year' : ''}`;
    }
    return durationText(config.duration);
  },
};
