import type { JourneyVersion } from '@itinera/schemas';
import { describe, expect, it } from 'vitest';
import { days, graph } from '../../test/support/journeys.ts';
import { effectiveMapping, nextSend, previewGroups, suggestMapping } from '../src/services/migration-plan.ts';

const wait = (amount: number) => ({ mode: 'duration', duration: { amount, unit: 'days' } });
const from = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'api' } },
    { id: 'a', type: 'wait', config: wait(1) },
    { id: 'b', type: 'wait_for_event', config: { event: 'paid', timeout: { amount: 2, unit: 'days' } } },
    { id: 'mail', type: 'send', config: { channel: 'email' } },
  ],
  ['start->a', 'a->b', 'b:happened->mail', 'b:timed_out->mail'],
);
const to = graph(
  [
    { id: 'start', type: 'trigger', config: { kind: 'api' } },
    { id: 'a', type: 'wait', config: wait(1) },
    { id: 'extra', type: 'wait', config: wait(2) },
    { id: 'b', type: 'send', config: { channel: 'sms' } },
    { id: 'mail', type: 'send', config: { channel: 'email' } },
  ],
  ['start->a', 'a->extra', 'extra->mail', 'b->mail'],
);
const version = (n: number, g: typeof from) => ({ journeyId: 'j', version: n, graph: g }) as JourneyVersion;

describe('migration plans', () => {
  it('suggests only nodes with the same id and type, and checks edits against both graphs', () => {
    expect(suggestMapping(from, to)).toEqual({ start: 'start', a: 'a', mail: 'mail' });
    expect(effectiveMapping(version(1, from), version(2, to), { b: 'extra', a: null })).toEqual({
      start: 'start',
      b: 'extra',
      mail: 'mail',
    });
    expect(() => effectiveMapping(version(1, from), version(2, to), { zz: 'a' })).toThrow(/no node "zz"/);
    expect(() => effectiveMapping(version(1, from), version(2, to), { a: 'zz' })).toThrow(/no node "zz"/);
  });

  it('times the next send from a kept deadline plus the fixed waits after it', () => {
    const window = { earliest: days(10), latest: days(11) };
    expect(nextSend(to, 'a', 0, window)).toEqual({
      nodeId: 'mail',
      channel: 'email',
      label: null,
      after: 'the kept deadline of a, then wait 2 days',
      earliestAt: new Date(days(12)).toISOString(),
      latestAt: new Date(days(13)).toISOString(),
    });
    expect(nextSend(from, 'b', 0, null)).toMatchObject({ nodeId: 'mail', earliestAt: null });
  });

  it('groups waiting customers by node; a changed type lands fresh, an unmapped node stays', () => {
    const groups = previewGroups(
      version(1, from),
      version(2, to),
      { a: 'a', b: 'extra' },
      suggestMapping(from, to),
      [
        { currentNodeId: 'a', nextWakeAt: new Date(days(3)).toISOString() },
        { currentNodeId: 'a', nextWakeAt: new Date(days(4)).toISOString() },
        { currentNodeId: 'b', nextWakeAt: new Date(days(5)).toISOString() },
        { currentNodeId: 'mail', nextWakeAt: null },
      ],
      0,
    );
    expect(groups.map((g) => [g.fromNodeId, g.customers, g.toNodeId, g.keepsDeadline, g.suggested])).toEqual([
      ['a', 2, 'a', true, true],
      ['b', 1, 'extra', false, false],
      ['mail', 1, null, false, false],
    ]);
    expect(groups[0].wakeAt).toEqual({
      earliest: new Date(days(3)).toISOString(),
      latest: new Date(days(4)).toISOString(),
    });
    expect(groups[1].next?.earliestAt).toBe(new Date(days(2)).toISOString());
    expect(groups[2].stayReason).toContain('no counterpart in v2');
  });
});
