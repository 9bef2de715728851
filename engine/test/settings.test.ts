import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

describe('settings documents are validated', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses subscription keys and values outside the documented shape', async () => {
    const url = '/v1/customers/s1/subscriptions';
    expect(await h.call('PUT', url, { channels: { Email: true } })).toMatchObject({
      status: 400,
      body: { field: 'channels.Email' },
    });
    expect(await h.call('PUT', url, { channels: { 'email.evil': true } })).toMatchObject({ status: 400 });
    expect(await h.call('PUT', url, { topics: { news: 'maybe' } })).toMatchObject({
      status: 400,
      body: { field: 'topics.news' },
    });
    expect(await h.call('PUT', url, { topics: { 'a.b': false } })).toMatchObject({ status: 400 });
    expect(await h.call('PUT', url, { channels: { sms: false }, topics: { news: false } })).toMatchObject({
      status: 200,
      body: { channels: { sms: false }, topics: { news: false } },
    });
  });

  it('updates delivery settings partially, as the README shows', async () => {
    const quiet = await h.call('PUT', '/v1/settings/delivery', {
      quietHours: { start: '21:00', end: '08:00' },
    });
    expect(quiet).toMatchObject({
      status: 200,
      body: { quietHours: { start: '21:00', end: '08:00' }, frequencyCaps: [] },
    });
    const caps = [{ channel: 'email', max: 2, windowHours: 24 }];
    expect((await h.call('PUT', '/v1/settings/delivery', { frequencyCaps: caps })).body).toEqual({
      quietHours: { start: '21:00', end: '08:00' },
      frequencyCaps: caps,
    });
    expect(await h.call('PUT', '/v1/settings/delivery', {})).toMatchObject({ status: 400 });
    expect(
      await h.call('PUT', '/v1/settings/delivery', { quietHours: { start: '25:00', end: '08:00' } }),
    ).toMatchObject({
      status: 400,
      body: { field: 'quietHours.start' },
    });
  });
});
