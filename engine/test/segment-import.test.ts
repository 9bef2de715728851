import { COLLECTIONS } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, eventually, type Harness } from '../../test/support/harness.ts';
import { waitThenExit } from '../../test/support/journeys.ts';
import { importIdOf } from '../src/services/segment-import.ts';

const CSV = [
  'email,name,plan',
  'ada@example.com,Ada,pro',
  ',Nobody,free',
  '"bea@example.com","Bea, the second",team',
  'cid@example.com',
  'ada@example.com,Ada again,pro',
  `${'x'.repeat(201)},Too long,pro`,
  'dan@example.com,Dan,"pro',
].join('\n');

describe('API: CSV import into a manual segment', () => {
  let h: Harness;
  let welcome: string;
  beforeAll(async () => {
    h = await devServerHarness({});
    expect((await h.call('POST', '/v1/segments', { id: 'vip', name: 'VIP', kind: 'manual' })).status).toBe(
      201,
    );
    // `concurrent` re-entry: a duplicated segment_entered event would show as a second enrollment.
    welcome = await h.publish(
      waitThenExit('segment_entered', {
        reentry: 'concurrent',
        where: [{ path: 'segment', op: 'eq', value: 'vip' }],
      }),
      'Welcome to VIP',
    );
  });
  afterAll(async () => {
    await h?.close();
  });
  const upload = (body: Record<string, unknown>, role: 'admin' | 'support' = 'admin') =>
    h.call('POST', '/v1/segments/vip/members/import', body, role);
  const members = () =>
    h.db.collection(COLLECTIONS.segmentMembers).find({ segmentId: 'vip' }).sort({ customerId: 1 }).toArray();
  const changes = () =>
    h.db
      .collection(COLLECTIONS.segmentChanges)
      .find({ segmentId: 'vip' }, { projection: { _id: 0, customerId: 1, kind: 1, reason: 1 } })
      .sort({ customerId: 1 })
      .toArray();
  const welcomeEnrollments = async (customerId: string) =>
    (
      (await h.call('GET', `/v1/customers/${encodeURIComponent(customerId)}/enrollments`)).body as {
        journeyId: string;
      }[]
    ).filter((e) => e.journeyId === welcome).length;
  const enteredEvents = async (customerId: string) =>
    (
      (await h.call('GET', `/v1/customers/${encodeURIComponent(customerId)}/events`)).body as {
        event: string;
      }[]
    ).filter((e) => e.event === 'segment_entered').length;
  const imported = ['ada@example.com', 'bea@example.com', 'cid@example.com'];

  it('previews without writing: good rows with their lines, bad rows reported by line', async () => {
    const { status, body } = await upload({ csv: CSV, customerIdColumn: 'email', dryRun: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ dryRun: true, importId: importIdOf(CSV), valid: 3, added: 0 });
    expect(body.preview).toEqual([
      { line: 2, customerId: 'ada@example.com' },
      { line: 4, customerId: 'bea@example.com' },
      { line: 5, customerId: 'cid@example.com' },
    ]);
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual([3, 7, 8]);
    expect(body.errors[0].message).toContain('no customer id');
    expect(await members()).toEqual([]);
  });

  it('enters every good row once, recorded, sized and emitted; a repeated upload changes nothing', async () => {
    const first = await upload({ csv: CSV, customerIdColumn: 'email', fileName: 'vip.csv' });
    expect(first.body).toMatchObject({ dryRun: false, valid: 3, added: 3, alreadyMembers: 0 });
    expect((await members()).map((m) => [m._id, m.customerId])).toEqual([
      ['vip:ada@example.com', 'ada@example.com'],
      ['vip:bea@example.com', 'bea@example.com'],
      ['vip:cid@example.com', 'cid@example.com'],
    ]);
    const recorded = [
      { customerId: 'ada@example.com', kind: 'entered', reason: 'imported from CSV vip.csv, line 2' },
      { customerId: 'bea@example.com', kind: 'entered', reason: 'imported from CSV vip.csv, line 4' },
      { customerId: 'cid@example.com', kind: 'entered', reason: 'imported from CSV vip.csv, line 5' },
    ];
    expect(await changes()).toEqual(recorded);
    const sizes = await h.call('GET', '/v1/segments/vip/sizes?bucket=hour');
    expect(sizes.status).toBe(200);
    expect(sizes.body.current).toBe(3);
    expect(sizes.body.points.at(-1)).toMatchObject({ size: 3, entered: 3, exited: 0 });
    for (const customerId of imported) {
      await eventually(async () => (await welcomeEnrollments(customerId)) > 0);
      expect(await enteredEvents(customerId)).toBe(1);
    }

    const again = await upload({ csv: CSV, customerIdColumn: 'email', fileName: 'vip.csv' });
    expect(again.body).toMatchObject({ added: 0, alreadyMembers: 3 });
    const renamed = await upload({ csv: CSV, customerIdColumn: 'email', fileName: 'copy.csv' });
    expect(renamed.body).toMatchObject({ added: 0, alreadyMembers: 3 });
    expect(await changes()).toEqual(recorded);
    for (const customerId of imported) {
      expect(await enteredEvents(customerId)).toBe(1);
      expect(await welcomeEnrollments(customerId)).toBe(1);
    }
  });

  it('finishes recording an entry a crashed import left half done, naming the import when no file is', async () => {
    const csv = 'id\ngus@example.com';
    const importId = importIdOf(csv);
    await h.db.collection(COLLECTIONS.segmentMembers).insertOne({
      _id: 'vip:gus@example.com',
      segmentId: 'vip',
      customerId: 'gus@example.com',
      enteredAt: new Date().toISOString(),
      cause: `csv:${importId}`,
    } as never);
    const retry = await upload({ csv, customerIdColumn: 'id' });
    expect(retry.body).toMatchObject({ valid: 1, added: 1, alreadyMembers: 0 });
    expect((await changes()).filter((c) => c.customerId === 'gus@example.com')).toEqual([
      { customerId: 'gus@example.com', kind: 'entered', reason: `imported from CSV ${importId}, line 2` },
    ]);
    await eventually(async () => (await welcomeEnrollments('gus@example.com')) === 1);
    expect(await enteredEvents('gus@example.com')).toBe(1);
  });

  it('refuses an unknown segment (404) and a rules segment (409), naming the id', async () => {
    const unknown = await h.call('POST', '/v1/segments/nope/members/import', {
      csv: CSV,
      customerIdColumn: 'email',
    });
    expect([unknown.status, unknown.body.field]).toEqual([404, 'id']);
    const rules = { kind: 'attribute', trait: 'plan', op: 'eq', value: 'pro' };
    expect((await h.call('POST', '/v1/segments', { id: 'pros', name: 'Pros', rules })).status).toBe(201);
    const computed = await h.call('POST', '/v1/segments/pros/members/import', {
      csv: CSV,
      customerIdColumn: 'email',
      dryRun: true,
    });
    expect([computed.status, computed.body.field]).toEqual([409, 'id']);
    expect(await h.db.collection(COLLECTIONS.segmentMembers).countDocuments({ segmentId: 'pros' })).toBe(0);
  });

  it('maps a column by position without a header, and names a wrong mapping', async () => {
    const byPosition = await upload({
      csv: 'x,eve@example.com\ny,fay@example.com',
      customerIdColumn: '2',
      header: false,
    });
    expect(byPosition.body).toMatchObject({ valid: 2, added: 2, errors: [] });
    expect(await upload({ csv: CSV, customerIdColumn: 'customer' })).toMatchObject({
      status: 400,
      body: { field: 'customerIdColumn' },
    });
    expect(await upload({ csv: CSV, customerIdColumn: 'email', extra: true })).toMatchObject({
      status: 400,
      body: { field: 'extra' },
    });
    expect((await upload({ csv: CSV, customerIdColumn: 'email' }, 'support')).status).toBe(403);
  });
});
