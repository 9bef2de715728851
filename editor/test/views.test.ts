import { summarize } from '@itinera/nodes/views';
import { describe, expect, it } from 'vitest';

describe('node view summaries', () => {
  it('describes configs in a few words', () => {
    expect(summarize('wait', { mode: 'duration', duration: { amount: 2, unit: 'days' } })).toBe('2 days');
    expect(summarize('wait', { mode: 'duration', duration: { amount: 1, unit: 'hours' } })).toBe('1 hour');
    expect(summarize('wait_for_event', { event: 'purchase', timeout: { amount: 3, unit: 'days' } })).toBe(
      'purchase · up to 3 days',
    );
    expect(summarize('split', { branches: [{ percent: 30 }, { percent: 70 }] })).toBe('30% / 70%');
    expect(summarize('trigger', { kind: 'event', event: 'signed_up' })).toBe('on signed_up');
  });

  it('returns an empty summary for types without a view or with odd configs', () => {
    expect(summarize('exit', {})).toBe('');
    expect(summarize('no_such_type', { a: 1 })).toBe('');
    expect(summarize('update_profile', { operations: 'nope' })).toBe('');
  });
});
