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

  it('puts real settings into words', () => {
    const rules = [
      { kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' },
      { kind: 'attribute', path: 'orders', op: 'gte', value: 3 },
    ];
    expect(summarize('condition', { combinator: 'and', rules })).toBe('plan = pro and orders ≥ 3');
    expect(
      summarize('condition', {
        combinator: 'or',
        rules: [{ kind: 'event_count', event: 'purchase', atLeast: 2, withinDays: 7 }],
      }),
    ).toBe('did purchase ≥ 2× in 7 days');
    expect(summarize('send', { channel: 'sms', subject: 'ignored', body: 'Hi there' })).toBe('SMS: Hi there');
    expect(summarize('send', { channel: 'email', subject: 'Welcome!', body: 'x' })).toBe('Email: Welcome!');
    expect(summarize('send', { channel: 'webhook', url: 'https://x.test/h', body: '' })).toBe(
      'Webhook: POST https://x.test/h',
    );
    expect(summarize('wait', { mode: 'time_of_day', time: '09:00', weekdays: [1, 2, 3, 4, 5] })).toBe(
      'at 09:00 local, Mon–Fri',
    );
    expect(summarize('wait', { mode: 'time_of_day', time: '18:30', weekdays: [1, 3, 6, 7] })).toBe(
      'at 18:30 local, Mon, Wed, Sat, Sun',
    );
    expect(
      summarize('wait', {
        mode: 'date_attribute',
        attribute: 'birthday',
        offset: { amount: 2, unit: 'days' },
        yearly: true,
      }),
    ).toBe('2 days before birthday, every year');
  });

  it('returns an empty summary for types without a view or with odd configs', () => {
    expect(summarize('exit', {})).toBe('');
    expect(summarize('no_such_type', { a: 1 })).toBe('');
    expect(summarize('update_profile', { operations: 'nope' })).toBe('');
  });
});
