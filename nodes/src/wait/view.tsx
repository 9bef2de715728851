import { type Duration, describeDuration } from '../shared/duration.ts';
import type { NodeView } from '../views.ts';

/** "2 days" for a duration-like value, '' otherwise. */
export function durationText(value: unknown): string {
  const d = value as Partial<Duration> | undefined;
  return d && typeof d.amount === 'number' && typeof d.unit === 'string'
    ? describeDuration(d as Duration)
    : '';
}

export const waitView: NodeView = {
  summary(config) {
    if (config.mode === 'time_of_day') return `until ${config.time ?? '?'}`;
    if (config.mode === 'date_attribute') {
      const offset = durationText(config.offset);
      return `${offset ? `${offset} ${config.offsetDirection ?? 'before'} ` : 'until '}${config.attribute ?? '?'}`;
    }
    return durationText(config.duration);
  },
};
