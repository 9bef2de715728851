import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

describe('customer search', () => {
  let h: ApiHarness;
  const ids = async (search: string) =>
    (
      (await h.call('GET', `/v1/customers?search=${encodeURIComponent(search)}`)).body as {
        customerId: string;
      }[]
    )
      .map((c) => c.customerId)
      .sort();

  beforeAll(async () => {
    h = await apiHarness();
    const people = [
      ['srch-ada', { email: 'ada.lovelace@example.com', name: 'Ada Lovelace', phone: '+44 7700 900123' }],
      ['srch-bob', { email: 'bob@example.org', first_name: 'Robert', last_name: 'Byron' }],
      ['srch-x.y', { email: 'weird+tag@example.net', phone: '(555) 010-9999' }],
      ['other-ada', { email: 'someone@else.com' }],
    ] as const;
    for (const [userId, traits] of people) {
      expect((await h.call('POST', '/v1/identify', { userId, traits })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('finds by id prefix only, with the text taken literally', async () => {
    expect(await ids('srch-')).toEqual(['srch-ada', 'srch-bob', 'srch-x.y']);
    expect(await ids('ada')).toEqual(['srch-ada']); // by name; "other-ada" has it mid-id only
    expect(await ids('srch-x.')).toEqual(['srch-x.y']);
    expect(await ids('srch-x*')).toEqual([]);
    expect(await ids('.*')).toEqual([]);
  });

  it('finds by any part of the email, the name and the phone digits', async () => {
    expect(await ids('LOVELACE@')).toEqual(['srch-ada']);
    expect(await ids('example.org')).toEqual(['srch-bob']);
    expect(await ids('weird+tag')).toEqual(['srch-x.y']);
    expect(await ids('byron')).toEqual(['srch-bob']);
    expect(await ids('7700900123')).toEqual(['srch-ada']);
    expect(await ids('555-010')).toEqual(['srch-x.y']);
  });

  it('lists the most recently active customers when the search is empty, up to the limit', async () => {
    await h.call('POST', '/v1/identify', { userId: 'srch-bob', traits: { plan: 'pro' } });
    const { body } = await h.call('GET', '/v1/customers?limit=2');
    expect((body as { customerId: string }[]).map((c) => c.customerId)[0]).toBe('srch-bob');
    expect(body).toHaveLength(2);
    expect(await h.call('GET', '/v1/customers?limit=500')).toMatchObject({
      status: 400,
      body: { field: 'limit' },
    });
  });
});
