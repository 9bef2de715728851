import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';

const ok = { kind: 'performed', event: 'purchased' };

/** Every malformed rule tree is a 400 whose `field` is the rule path, with words that say what to change. */
describe('segment rule validation over the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const refused = async (rules: unknown) => {
    const { status, body } = await h.call('POST', '/v1/segments', { name: 'Malformed', rules });
    expect(status).toBe(400);
    expect(isErrorShape(body)).toBe(true);
    return [body.field, body.message];
  };

  it('names the path and the fix for each malformed body', async () => {
    expect(await refused({ all: [ok, ok, { ...ok, withinDays: 0 }] })).toEqual([
      'rules.all[2].withinDays',
      'rules.all[2].withinDays expected integer to be greater or equal to 1',
    ]);
    expect(await refused({ all: [ok, { ...ok, within_days: 3 }] })).toEqual([
      'rules.all[1].within_days',
      'rules.all[1].within_days is not a field of this rule',
    ]);
    expect(await refused({ and: [ok] })).toEqual([
      'rules.and',
      'rules.and is not a rule: use "all", "any", "not" or a leaf rule with "kind"',
    ]);
    expect(await refused({ any: [{ ...ok, count: { op: 'atLeast' } }] })).toEqual([
      'rules.any[0].count.n',
      'rules.any[0].count.n is required',
    ]);
    expect(
      await refused({ not: { kind: 'performedAt', event: 'x', which: 'last', op: 'since', daysAgo: 3 } }),
    ).toEqual(['rules.not.op', 'rules.not.op must be one of "before", "after"']);
    expect(
      await refused({
        all: [ok, { kind: 'performedAt', event: 'x', which: 'last', op: 'before', at: 'May' }],
      }),
    ).toEqual(['rules.all[1].at', 'rules.all[1].at must be an ISO 8601 date-time (2026-03-01T09:00:00Z)']);
    expect(
      await refused({ any: [ok, { not: { kind: 'attribute', trait: 'tags', op: 'in', value: 'vip' } }] }),
    ).toEqual(['rules.any[1].not.value', 'rules.any[1].not.value must be an array']);
    expect((await refused({ kind: 'bucket', from: 60, to: 10 }))[0]).toBe('rules.to');
    expect((await refused([ok]))[0]).toBe('rules');
  });

  it('accepts an absolute time in a first/last performed rule', async () => {
    const created = await h.call('POST', '/v1/segments', {
      name: 'Bought before the launch',
      rules: {
        kind: 'performedAt',
        event: 'purchased',
        which: 'first',
        op: 'before',
        at: '2026-03-01T09:00:00Z',
      },
    });
    expect(created.status).toBe(201);
  });
});
