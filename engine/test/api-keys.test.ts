import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness } from './support/api.ts';

describe('API-key management (admin only)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates a key shown once, lists it with its last use, and revokes it at once', async () => {
    const created = await h.call('POST', '/v1/api-keys', { name: 'Segment (prod)', role: 'ingest' });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'Segment (prod)', role: 'ingest', lastUsedAt: null },
    });
    const { id, key } = created.body;
    expect(key).toMatch(/^itn_ingest_/);

    const track = await h.app.inject({
      method: 'POST',
      url: '/v1/track',
      payload: { userId: 'k1', event: 'signed_up' },
      headers: { authorization: `Bearer ${key}` },
    });
    expect(track.statusCode).toBe(200);
    const listed = (await h.call('GET', '/v1/api-keys')).body as { id: string; lastUsedAt: string | null }[];
    expect(listed.map((k) => k.id)).toContain(id);
    expect(JSON.stringify(listed)).not.toContain(key);
    const used = await (async () => {
      for (let i = 0; i < 50; i++) {
        const row = ((await h.call('GET', '/v1/api-keys')).body as typeof listed).find((k) => k.id === id);
        if (row?.lastUsedAt) return row;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    expect(used?.lastUsedAt).toMatch(/^\d{4}-/);

    expect((await h.call('DELETE', `/v1/api-keys/${id}`)).status).toBe(204);
    const after = await h.app.inject({
      method: 'POST',
      url: '/v1/track',
      payload: { userId: 'k1', event: 'signed_up' },
      headers: { authorization: `Bearer ${key}` },
    });
    expect(after.statusCode).toBe(401);
    expect((await h.call('DELETE', `/v1/api-keys/${id}`)).status).toBe(404);
  });

  it('refuses bad input and never revokes the last admin key', async () => {
    expect(await h.call('POST', '/v1/api-keys', { name: 'x', role: 'root' })).toMatchObject({
      status: 400,
      body: { field: 'role' },
    });
    expect((await h.call('POST', '/v1/api-keys', { name: 'x', role: 'ingest' }, 'marketer')).status).toBe(
      403,
    );
    const admins = ((await h.call('GET', '/v1/api-keys')).body as { id: string; role: string }[]).filter(
      (k) => k.role === 'admin',
    );
    expect(admins).toHaveLength(1);
    expect(await h.call('DELETE', `/v1/api-keys/${admins[0].id}`)).toMatchObject({
      status: 409,
      body: { field: 'id' },
    });
  });
});
