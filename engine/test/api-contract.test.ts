import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devServerHarness, type Harness } from '../../test/support/harness.ts';
import { graph } from '../../test/support/journeys.ts';
import { testDatabase } from '../../test/support/servers.ts';
import { createServices } from '../src/app.ts';
import { seedExampleJourney } from '../src/seed.ts';

describe('API: bad input, roles and the OpenAPI spec', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await devServerHarness({});
  });
  afterAll(async () => {
    await h?.close();
  });

  const raw = (method: 'GET' | 'POST', url: string, payload?: string, headers: Record<string, string> = {}) =>
    h.app.inject({
      method,
      url,
      payload,
      headers: { authorization: `Bearer ${h.keys.admin}`, 'content-type': 'application/json', ...headers },
    });

  it('rejects malformed events with a 400 naming the field, and keeps what was accepted', async () => {
    const missingEvent = await h.call('POST', '/v1/track', { userId: 'u1' }, 'ingest');
    expect(missingEvent).toMatchObject({ status: 400, body: { field: 'event' } });
    const noUser = await h.call('POST', '/v1/track', { event: 'x' }, 'ingest');
    expect(noUser).toMatchObject({ status: 400, body: { field: 'userId' } });
    const badTime = await h.call(
      'POST',
      '/v1/track',
      { userId: 'u1', event: 'x', timestamp: 'yesterday' },
      'ingest',
    );
    expect(badTime).toMatchObject({ status: 400, body: { field: 'timestamp' } });
    const badBatch = await h.call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'u1', event: 'ok' },
          { type: 'track', userId: 'u1' },
        ],
      },
      'ingest',
    );
    expect(badBatch.status).toBe(400);
    expect(badBatch.body.field).toMatch(/^batch\.1/);
    const good = await h.call(
      'POST',
      '/v1/batch',
      {
        batch: [
          { type: 'identify', userId: 'u1', traits: { email: 'u1@example.com' } },
          {
            type: 'track',
            userId: 'u1',
            event: 'viewed',
            properties: { page: '/' },
            messageId: 'm-1',
            timestamp: '2026-01-01T10:00:00Z',
          },
        ],
      },
      'ingest',
    );
    expect(good).toMatchObject({ status: 200, body: { success: true, accepted: 2 } });
    const events = (await h.call('GET', '/v1/customers/u1/events')).body;
    expect(events).toEqual([
      expect.objectContaining({ messageId: 'm-1', event: 'viewed', timestamp: '2026-01-01T10:00:00.000Z' }),
    ]);
    expect((await h.call('GET', '/v1/customers/u1')).body.traits).toEqual({ email: 'u1@example.com' });
  });

  it('answers bad JSON and unknown routes with 4xx bodies', async () => {
    const badJson = await raw('POST', '/v1/track', '{"userId": ');
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ error: 'Bad Request', field: 'body' });
    const unknown = await raw('GET', '/v1/nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ message: 'No route GET /v1/nope', field: 'url' });
    expect((await h.call('GET', '/v1/journeys/does-not-exist')).status).toBe(404);
  });

  it('refuses to publish an invalid graph, listing every problem, but saves it as a draft', async () => {
    const broken = graph(
      [
        { id: 'start', type: 'trigger', config: { kind: 'event', event: 'e', reentry: 'once' } },
        {
          id: 'ask',
          type: 'condition',
          config: { combinator: 'and', rules: [{ kind: 'attribute', path: 'plan', op: 'eq', value: 'pro' }] },
        },
      ],
      ['start->ask', 'ask:yes->ghost'],
    );
    const created = await h.call('POST', '/v1/journeys', { name: 'Broken', graph: broken }, 'marketer');
    expect(created.status).toBe(201);
    const publish = await h.call(
      'POST',
      `/v1/journeys/${created.body.id}/publish`,
      { note: 'try' },
      'marketer',
    );
    expect(publish.status).toBe(422);
    expect(publish.body.problems.map((p: { code: string }) => p.code).sort()).toEqual([
      'dangling_edge',
      'unconnected_port',
      'unconnected_port',
    ]);
    const validation = await h.call('POST', `/v1/journeys/${created.body.id}/validate`);
    expect(validation.body.valid).toBe(false);
    const badShape = await h.call('POST', '/v1/journeys', {
      name: 'x',
      graph: { nodes: [{ id: 'a b', type: 'exit', config: {}, position: { x: 0, y: 0 } }], edges: [] },
    });
    expect(badShape).toMatchObject({ status: 400, body: { field: 'graph.nodes.0.id' } });
  });

  it('enforces roles on every route and never accepts a missing or unknown key', async () => {
    expect((await raw('GET', '/v1/journeys', undefined, { authorization: '' })).statusCode).toBe(401);
    expect((await raw('GET', '/v1/journeys', undefined, { authorization: 'Bearer nope' })).statusCode).toBe(
      401,
    );
    expect((await h.call('GET', '/v1/journeys', undefined, 'ingest')).status).toBe(403);
    expect(
      (await h.call('POST', '/v1/journeys', { name: 'x', graph: { nodes: [], edges: [] } }, 'support'))
        .status,
    ).toBe(403);
    expect((await h.call('GET', '/v1/journeys', undefined, 'support')).status).toBe(200);
    expect((await h.call('POST', '/v1/track', { userId: 'u', event: 'e' }, 'marketer')).status).toBe(403);
    const basic = Buffer.from(`${h.keys.ingest}:`).toString('base64');
    const segmentStyle = await h.app.inject({
      method: 'POST',
      url: '/v1/track',
      payload: { userId: 'u', event: 'e' },
      headers: { authorization: `Basic ${basic}` },
    });
    expect(segmentStyle.statusCode).toBe(200);
  });

  it('publishes an OpenAPI document covering the routes, and lists node types with their schemas', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/track', '/v1/journeys/{id}/publish', '/v1/enrollments/{id}']),
    );
    const types = (await h.call('GET', '/v1/node-types')).body;
    const split = types.find((t: { type: string }) => t.type === 'split');
    expect(split).toMatchObject({ category: 'logic', dynamicPorts: true, ports: [{ id: 'a' }, { id: 'b' }] });
    expect(split.configSchema.properties.branches.type).toBe('array');
  });

  it('seeds a valid, published example journey once, on an empty database', async () => {
    const { db, close } = await testDatabase();
    // Seeding creates and publishes a journey; it starts no workflow, so it needs no Temporal client.
    const services = createServices(db, { client: undefined as never, taskQueue: 'unused' });
    const id = await seedExampleJourney(services);
    expect(id).toBeTruthy();
    expect(await services.journeys.get(id!)).toMatchObject({ status: 'live', liveVersion: 1 });
    expect(await seedExampleJourney(services)).toBeNull();
    await close();
  });
});
