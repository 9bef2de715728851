import { insertEach, type MemberDoc, memberId, segmentMembership } from '@itinera/nodes/segments';
import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph } from '../../test/support/journeys.ts';
import { type ApiHarness, apiHarness } from './support/api.ts';

const segment = (id: string) => ({ id, name: id.toUpperCase(), kind: 'rules' as const });
const member = { member: true, reason: 'test says so' };

/** One evaluation pass: one command per kind of document, claims kept, segment events routed only where awaited. */
describe('segment passes', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const count = (name: string, filter: object) => h.db.collection(name).countDocuments(filter);

  it('inserts each document unless it exists, saying which it inserted', async () => {
    const docs = h.db.collection<{ _id: string; n: number }>('insert_each_probe');
    expect(await insertEach(docs, [{ _id: 'a', n: 1 }])).toEqual([true]);
    expect(
      await insertEach(docs, [
        { _id: 'b', n: 1 },
        { _id: 'a', n: 2 },
        { _id: 'c', n: 1 },
      ]),
    ).toEqual([true, false, true]);
    expect((await docs.findOne({ _id: 'a' }))?.n).toBe(1);
    expect(await insertEach(docs, [])).toEqual([]);
  });

  it('a retry of the same cause finishes a pass that died after writing members, recording each change once', async () => {
    const emitted: string[] = [];
    const membership = segmentMembership(h.db, async (events) => {
      emitted.push(...events.map((e) => e.messageId));
    });
    const members = h.db.collection<MemberDoc>(COLLECTIONS.segmentMembers);
    // The members of the first pass were written; its changes and events never were (the process died).
    const enteredAt = new Date().toISOString();
    for (const id of ['p-one', 'p-two'])
      await members.insertOne({
        _id: memberId(id, 'pia'),
        segmentId: id,
        customerId: 'pia',
        enteredAt,
        cause: 'evt-1',
      });
    const items = ['p-one', 'p-two', 'p-three'].map((id) => ({
      segment: segment(id),
      customerId: 'pia',
      evaluation: member,
      known: null,
    }));
    expect(await membership.applyMany(items, 'evt-1')).toEqual(['entered', 'entered', 'entered']);
    expect(await membership.applyMany(items, 'evt-1')).toEqual(['entered', 'entered', 'entered']);
    expect(await count(COLLECTIONS.segmentChanges, { customerId: 'pia', kind: 'entered' })).toBe(3);
    expect(new Set(emitted).size).toBe(3);
    // Another cause finds them members already: nothing changes.
    expect(await membership.applyMany(items, 'evt-2')).toEqual([null, null, null]);

    const leaving = (await members.find({ customerId: 'pia' }).toArray()).map((known) => ({
      segment: segment(known.segmentId),
      customerId: 'pia',
      evaluation: { member: false, reason: 'no longer' },
      known,
    }));
    expect(await membership.applyMany(leaving, 'evt-3')).toEqual(['exited', 'exited', 'exited']);
    expect(await count(COLLECTIONS.segmentMembers, { customerId: 'pia' })).toBe(0);
    expect(await count(COLLECTIONS.segmentChanges, { customerId: 'pia', kind: 'exited' })).toBe(3);
  });

  it('stores a segment event nothing awaits without routing it, and routes one a journey awaits', async () => {
    const create = (id: string) =>
      h.call('POST', '/v1/segments', {
        id,
        name: id,
        rules: { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' },
      });
    expect((await create('quiet-pro')).status).toBe(201);
    const identify = (userId: string) =>
      h.call('POST', '/v1/identify', { userId, traits: { plan: 'pro' } }, 'ingest');
    expect((await identify('quinn')).status).toBe(200);
    const entered = await h.db
      .collection(COLLECTIONS.events)
      .findOne({ customerId: 'quinn', event: 'segment_entered' });
    expect(entered?.properties).toMatchObject({ segment: 'quiet-pro' });
    expect(await count(COLLECTIONS.pendingRoutes, { _id: entered?._id })).toBe(0);

    // A live journey triggered on entering the segment: the event goes through routing and enrolls.
    const journey = await h.call('POST', '/v1/journeys', {
      name: 'Welcome pros',
      graph: graph(
        [
          {
            id: 'start',
            type: 'trigger',
            config: {
              kind: 'event',
              event: 'segment_entered',
              reentry: 'once',
              where: [{ path: 'segment', op: 'eq', value: 'quiet-pro' }],
            },
          },
          { id: 'end', type: 'exit', config: {} },
        ],
        ['start->end'],
      ),
    });
    expect((await h.call('POST', `/v1/journeys/${journey.body.id}/publish`, { note: 'go' })).status).toBe(
      201,
    );
    expect((await identify('rita')).status).toBe(200);
    expect(await count(COLLECTIONS.enrollments, { customerId: 'rita', journeyId: journey.body.id })).toBe(1);
    expect(await count(COLLECTIONS.enrollments, { customerId: 'quinn' })).toBe(0);
  });
});
