import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { SEGMENT_MEMBERS } from '../src/services/broadcast-activities.ts';

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
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });
  const upload = (body: Record<string, unknown>, role: 'admin' | 'support' = 'admin') =>
    h.call('POST', '/v1/segments/vip/members/import', body, role);
  const members = () =>
    h.db.collection(SEGMENT_MEMBERS).find({ segmentId: 'vip' }).sort({ customerId: 1 }).toArray();

  it('previews without writing: good rows with their lines, bad rows reported by line', async () => {
    const { status, body } = await upload({ csv: CSV, customerIdColumn: 'email', dryRun: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ dryRun: true, valid: 3, added: 0 });
    expect(body.preview).toEqual([
      { line: 2, customerId: 'ada@example.com' },
      { line: 4, customerId: 'bea@example.com' },
      { line: 5, customerId: 'cid@example.com' },
    ]);
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual([3, 7, 8]);
    expect(body.errors[0].message).toContain('no customer id');
    expect(await members()).toEqual([]);
  });

  it('keeps every good row, once, and a repeated upload adds nothing', async () => {
    const first = await upload({ csv: CSV, customerIdColumn: 'email' });
    expect(first.body).toMatchObject({ dryRun: false, valid: 3, added: 3, alreadyMembers: 0 });
    expect((await members()).map((m) => [m._id, m.customerId])).toEqual([
      ['vip:ada@example.com', 'ada@example.com'],
      ['vip:bea@example.com', 'bea@example.com'],
      ['vip:cid@example.com', 'cid@example.com'],
    ]);
    const again = await upload({ csv: CSV, customerIdColumn: 'email' });
    expect(again.body).toMatchObject({ added: 0, alreadyMembers: 3 });
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
