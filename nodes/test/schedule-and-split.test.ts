import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { pickBranch, stickyPercentile } from '../src/split/bucket.ts';
import { dateWithOffset, nextTimeOfDay, parseDate } from '../src/wait/schedule.ts';

const local = (ms: number, zone: string) =>
  DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-LL-dd HH:mm ZZZZ');

describe('wait schedule', () => {
  it('picks today when the local time is still ahead, else tomorrow', () => {
    const morning = DateTime.fromISO('2027-01-05T07:30', { zone: 'Europe/Paris' }).toMillis();
    expect(local(nextTimeOfDay(morning, 'Europe/Paris', '09:00'), 'Europe/Paris')).toBe(
      'Tue 2027-01-05 09:00 GMT+1',
    );
    const evening = DateTime.fromISO('2027-01-05T21:00', { zone: 'Europe/Paris' }).toMillis();
    expect(local(nextTimeOfDay(evening, 'Europe/Paris', '09:00'), 'Europe/Paris')).toBe(
      'Wed 2027-01-06 09:00 GMT+1',
    );
  });

  it('keeps the local hour across the spring-forward change and honours weekdays', () => {
    const saturday = DateTime.fromISO('2027-03-13T10:00', { zone: 'America/New_York' }).toMillis();
    const monday = nextTimeOfDay(saturday, 'America/New_York', '09:00', [1]);
    expect(local(monday, 'America/New_York')).toBe('Mon 2027-03-15 09:00 EDT');
    expect(new Date(monday).toISOString()).toBe('2027-03-15T13:00:00.000Z');
  });

  it('handles a local time that does not exist on the DST day by moving past the gap', () => {
    const before = DateTime.fromISO('2027-03-13T12:00', { zone: 'America/New_York' }).toMillis();
    const target = nextTimeOfDay(before, 'America/New_York', '02:30');
    expect(target).toBeGreaterThan(before);
    expect(DateTime.fromMillis(target, { zone: 'America/New_York' }).hour).toBeGreaterThanOrEqual(2);
  });

  it('computes date-attribute targets with offsets and yearly anniversaries', () => {
    const renewal = parseDate('2027-06-01T00:00:00Z', 'UTC')!;
    const now = Date.parse('2027-01-01T00:00:00Z');
    expect(new Date(dateWithOffset(renewal, -7 * 86_400_000, now, false)).toISOString()).toBe(
      '2027-05-25T00:00:00.000Z',
    );
    const birthday = parseDate('1990-02-14', 'Europe/London')!;
    expect(
      new Date(dateWithOffset(birthday, 0, Date.parse('2027-03-01T00:00:00Z'), true)).toISOString(),
    ).toBe('2028-02-14T00:00:00.000Z');
    expect(parseDate('not a date', 'UTC')).toBeNull();
  });
});

describe('split buckets', () => {
  const branches = [
    { id: 'a', percent: 20 },
    { id: 'b', percent: 30 },
    { id: 'c', percent: 50 },
  ];

  it('holds the configured percentages over many customers', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const total = 20_000;
    for (let i = 0; i < total; i++)
      counts[pickBranch(branches, stickyPercentile(`customer-${i}`, 'journey:split')).id]++;
    expect(Math.abs(counts.a / total - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(counts.b / total - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(counts.c / total - 0.5)).toBeLessThan(0.015);
  });

  it('is sticky per customer and independent between split nodes', () => {
    const first = stickyPercentile('ada', 'j1:split');
    expect(stickyPercentile('ada', 'j1:split')).toBe(first);
    const differing = Array.from({ length: 200 }, (_, i) => `c${i}`).filter(
      (c) =>
        pickBranch(branches, stickyPercentile(c, 'j1:s1')).id !==
        pickBranch(branches, stickyPercentile(c, 'j1:s2')).id,
    );
    expect(differing.length).toBeGreaterThan(50);
  });
});
