import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/harness.ts';
import { waitThenExit } from '../../test/support/journeys.ts';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';

describe('segments over the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const identify = async (userId: string, traits: Record<string, unknown>) =>
    expect((await h.call('POST', '/v1/identify', { userId, traits }, 'ingest')).status).toBe(200);
  const track = async (userId: string, event: string, properties: Record<string, unknown> = {}) =>
    expect((await h.call('POST', '/v1/track', { userId, event, properties }, 'ingest')).status).toBe(200);
  const segmentsOf = async (customerId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/segments`)).body;
  const eventsOf = async (customerId: string) =>
    (await h.call('GET', `/v1/customers/${customerId}/events`)).body as {
      event: string;
      properties: object;
    }[];

  it('refuses a bad rule tree with an error naming the rule path', async () => {
    const rules = {
      all: [
        { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
        { kind: 'performed', event: 'purchased' },
        { kind: 'attribute', trait: 'age', op: 'gt' },
      ],
    };
    const missing = await h.call('POST', '/v1/segments', { name: 'Bad', rules });
    expect(missing.status).toBe(400);
    expect(isErrorShape(missing.body)).toBe(true);
    expect(missing.body.field).toBe('rules.all[2].value');

    const unknown = await h.call('POST', '/v1/segments', { name: 'Bad', rules: { any: [{ kind: 'nope' }] } });
    expect([unknown.status, unknown.body.field]).toEqual([400, 'rules.any[0].kind']);
    const deep = await h.call('POST', '/v1/segments', {
      name: 'Bad',
      rules: { not: { kind: 'performed', event: 'x', count: { op: 'atLeast', n: -1 } } },
    });
    expect([deep.status, deep.body.field]).toEqual([400, 'rules.not.count.n']);
    const window = await h.call('POST', '/v1/segments/dry-run', {
      rules: { kind: 'performedAt', event: 'x', which: 'last', op: 'before' },
    });
    expect([window.status, window.body.field]).toEqual([400, 'rules.at']);
  });

  it('refuses membership cycles and references to missing segments', async () => {
    const inA = { kind: 'inSegment', segment: 'cyc-a' };
    const orphan = await h.call('POST', '/v1/segments', { id: 'cyc-b', name: 'B', rules: { all: [inA] } });
    expect([orphan.status, orphan.body.field]).toEqual([400, 'rules.all[0].segment']);
    expect(
      (
        await h.call('POST', '/v1/segments', {
          id: 'cyc-a',
          name: 'A',
          rules: { kind: 'bucket', from: 0, to: 99 },
        })
      ).status,
    ).toBe(201);
    expect((await h.call('POST', '/v1/segments', { id: 'cyc-b', name: 'B', rules: inA })).status).toBe(201);
    const cycle = await h.call('PATCH', '/v1/segments/cyc-a', {
      rules: { any: [{ kind: 'inSegment', segment: 'cyc-b' }] },
    });
    expect([cycle.status, cycle.body.field]).toEqual([400, 'rules.any[0].segment']);
    expect(cycle.body.message).toMatch(/circular/);
    expect((await h.call('DELETE', '/v1/segments/cyc-a')).status).toBe(409);
  });

  it('enters and leaves on identify, recording the reason and emitting segment events', async () => {
    const created = await h.call('POST', '/v1/segments', {
      name: 'Pro plan',
      rules: { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'pro-plan', kind: 'rules' });

    await identify('seg-ann', { plan: 'pro' });
    const inside = await segmentsOf('seg-ann');
    expect(inside.segments).toEqual([expect.objectContaining({ segmentId: 'pro-plan', name: 'Pro plan' })]);
    expect(inside.changes[0]).toMatchObject({ kind: 'entered', reason: 'plan is "pro" (eq "pro")' });
    expect(await eventsOf('seg-ann')).toContainEqual(
      expect.objectContaining({
        event: 'segment_entered',
        properties: { segment: 'pro-plan', name: 'Pro plan' },
      }),
    );

    await identify('seg-ann', { city: 'Oslo' }); // reads nothing the segment reads: no change
    await identify('seg-ann', { plan: 'free' });
    const outside = await segmentsOf('seg-ann');
    expect(outside.segments).toEqual([]);
    expect(outside.changes.map((c: { kind: string }) => c.kind)).toEqual(['exited', 'entered']);
    expect(outside.changes[0].reason).toBe('plan is "free" (eq "pro")');
    const emitted = (await eventsOf('seg-ann')).filter((e) => e.event.startsWith('segment_'));
    expect(emitted.map((e) => e.event).sort()).toEqual(['segment_entered', 'segment_exited']);
  });

  it('enters on the event that makes an aggregate true, with the value in the reason', async () => {
    await h.call('POST', '/v1/segments', {
      id: 'big-spenders',
      name: 'Big spenders',
      rules: {
        kind: 'aggregate',
        event: 'purchased',
        fn: 'sum',
        property: 'amount',
        withinDays: 90,
        op: 'gt',
        value: 500,
      },
    });
    await track('seg-bob', 'purchased', { amount: 300 });
    expect((await segmentsOf('seg-bob')).segments).toEqual([]);
    await track('seg-bob', 'purchased', { amount: 212.4 });
    const { segments, changes } = await segmentsOf('seg-bob');
    expect(segments.map((s: { segmentId: string }) => s.segmentId)).toEqual(['big-spenders']);
    expect(changes[0].reason).toBe('sum of purchased.amount is 512.4 (gt 500)');
  });

  it('backfills a new segment over existing customers, then pages its members', async () => {
    for (const id of ['bf-1', 'bf-2', 'bf-3', 'bf-4'])
      await identify(id, { tier: id === 'bf-4' ? 'bronze' : 'gold' });
    const created = await h.call('POST', '/v1/segments', {
      id: 'gold',
      name: 'Gold',
      rules: { kind: 'attribute', trait: 'tier', op: 'eq', value: 'gold' },
    });
    expect(created.body.progress.total).toBe(3);
    const ready = await eventually(async () => {
      const { body } = await h.call('GET', '/v1/segments/gold');
      return body.status === 'ready' && body;
    });
    expect(ready.progress).toMatchObject({ processed: 3, total: 3 });
    const first = await h.call('GET', '/v1/segments/gold/members?limit=2');
    expect(first.body.members.map((m: { customerId: string }) => m.customerId)).toEqual(['bf-1', 'bf-2']);
    expect(first.body.next).toBe('bf-2');
    const second = await h.call('GET', `/v1/segments/gold/members?limit=2&after=${first.body.next}`);
    expect(second.body.members.map((m: { customerId: string }) => m.customerId)).toEqual(['bf-3']);
    expect(second.body.next).toBeUndefined();
    expect((await h.call('GET', '/v1/segments/gold/members?page=2')).status).toBe(400);

    // An edit recomputes: members who no longer match leave.
    await h.call('PATCH', '/v1/segments/gold', {
      rules: { kind: 'attribute', trait: 'tier', op: 'in', value: ['bronze'] },
    });
    await eventually(async () => (await h.call('GET', '/v1/segments/gold')).body.status === 'ready');
    const after = await h.call('GET', '/v1/segments/gold/members');
    expect(after.body.members.map((m: { customerId: string }) => m.customerId)).toEqual(['bf-4']);
  });

  it('counts and samples a rule tree in a dry run', async () => {
    for (const [id, plan] of [
      ['dry-1', 'team'],
      ['dry-2', 'team'],
      ['dry-3', 'solo'],
    ])
      await identify(id, { plan, seats: id === 'dry-2' ? 12 : 3 });
    const { status, body } = await h.call('POST', '/v1/segments/dry-run', {
      rules: {
        all: [
          { kind: 'attribute', trait: 'plan', op: 'eq', value: 'team' },
          { kind: 'attribute', trait: 'seats', op: 'gte', value: 10 },
        ],
      },
      sample: 5,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ count: 1, sample: ['dry-2'] });
  });

  it('keeps manual segments through the API, recording each change once', async () => {
    expect((await h.call('POST', '/v1/segments', { id: 'vip', kind: 'manual', name: 'VIP' })).status).toBe(
      201,
    );
    const add = await h.call('POST', '/v1/segments/vip/members', { add: ['m-1', 'm-2', 'm-1'] });
    expect(add.body).toEqual({ added: 2, removed: 0 });
    const remove = await h.call('POST', '/v1/segments/vip/members', { remove: ['m-2', 'm-3'] });
    expect(remove.body).toEqual({ added: 0, removed: 1 });
    const members = await h.call('GET', '/v1/segments/vip/members');
    expect(members.body.members.map((m: { customerId: string }) => m.customerId)).toEqual(['m-1']);
    const changes = await h.db.collection(COLLECTIONS.segmentChanges).find({ segmentId: 'vip' }).toArray();
    expect(changes.map((c) => `${c.customerId}:${c.kind}`).sort()).toEqual([
      'm-1:entered',
      'm-2:entered',
      'm-2:exited',
    ]);
    const rules = await h.call('POST', '/v1/segments/pro-plan/members', { add: ['m-1'] });
    expect([rules.status, rules.body.field]).toEqual([400, 'id']);
    expect((await h.call('POST', '/v1/segments/vip/members', { add: ['x'] }, 'support')).status).toBe(403);
  });

  it("admits only members of a journey's audience segment, and triggers on entering a segment", async () => {
    await h.call('POST', '/v1/segments', { id: 'beta', kind: 'manual', name: 'Beta' });
    const created = await h.call('POST', '/v1/journeys', {
      name: 'Beta onboarding',
      graph: waitThenExit('opened_app'),
      settings: { audienceSegment: 'beta' },
    });
    expect(created.status).toBe(201);
    expect((await h.call('POST', `/v1/journeys/${created.body.id}/publish`, { note: 'test' })).status).toBe(
      201,
    );
    const onEntry = await h.call('POST', '/v1/journeys', {
      name: 'Welcome to beta',
      graph: waitThenExit('segment_entered', { where: [{ path: 'segment', op: 'eq', value: 'beta' }] }),
    });
    expect((await h.call('POST', `/v1/journeys/${onEntry.body.id}/publish`, { note: 'test' })).status).toBe(
      201,
    );

    await h.call('POST', '/v1/segments/beta/members', { add: ['aud-in'] });
    await track('aud-in', 'opened_app');
    await track('aud-out', 'opened_app');
    const journeysOf = async (customerId: string) =>
      ((await h.call('GET', `/v1/customers/${customerId}/enrollments`)).body as { journeyId: string }[])
        .map((e) => e.journeyId)
        .sort();
    expect(await journeysOf('aud-in')).toEqual([created.body.id, onEntry.body.id].sort());
    expect(await journeysOf('aud-out')).toEqual([]);
  });
});
