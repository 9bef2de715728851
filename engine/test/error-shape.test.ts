import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';

describe('API errors follow { error, message, field }', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const raw = (method: 'GET' | 'POST', url: string, payload?: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method, url, payload, headers: { authorization: `Bearer ${h.keys.admin}`, ...headers } });

  it('shapes Fastify framework errors: media type, size, URL encoding, JSON, 404, 401', async () => {
    const cases = [
      [
        await raw('POST', '/v1/track', '<userId/>', { 'content-type': 'application/xml' }),
        415,
        'content-type',
      ],
      [await raw('POST', '/v1/track', '{"userId":"u"}', { 'content-type': '' }), 415, 'content-type'],
      [
        await raw('POST', '/v1/track', `{"userId":"${'x'.repeat(6 * 1024 * 1024)}"}`, {
          'content-type': 'application/json',
        }),
        413,
        'body',
      ],
      [await raw('GET', '/v1/customers/%E0%A4%A'), 400, 'url'],
      [await raw('POST', '/v1/track', '{"a":', { 'content-type': 'application/json' }), 400, 'body'],
      [await raw('GET', '/v1/nothing-here'), 404, 'url'],
      [await raw('GET', '/v1/journeys', undefined, { authorization: 'Bearer nope' }), 401, 'authorization'],
    ] as const;
    for (const [response, status, field] of cases) {
      expect({ field, status: response.statusCode, body: response.body.slice(0, 200) }).toMatchObject({
        status,
      });
      expect(isErrorShape(response.json())).toBe(true);
      expect(response.json().field).toBe(field);
    }
  });

  it("reads a text/plain body on the tracking routes as JSON, as browsers' sendBeacon sends it", async () => {
    const beacon = await raw('POST', '/v1/track', '{"userId":"beacon","event":"Page Left"}', {
      'content-type': 'text/plain;charset=UTF-8',
    });
    expect(beacon.statusCode, beacon.body).toBe(200);
    expect(beacon.json()).toMatchObject({ accepted: 1 });
    const broken = await raw('POST', '/v1/track', 'not json', { 'content-type': 'text/plain' });
    expect([broken.statusCode, broken.json().field]).toEqual([400, 'body']);
  });

  it('refuses unknown query-string keys on every route with a 400 naming the key', async () => {
    const where = await h.call('GET', '/v1/enrollments?$where=1');
    expect(where).toMatchObject({ status: 400, body: { field: '$where' } });
    expect(isErrorShape(where.body)).toBe(true);
    expect((await h.call('GET', '/v1/journeys?status=live')).body.field).toBe('status');
    expect((await h.call('GET', '/v1/enrollments?status=active&limit=5')).status).toBe(200);
    expect((await h.call('GET', '/v1/customers?search=a')).status).toBe(200);
  });
});
