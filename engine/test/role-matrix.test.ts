import { CAPABILITIES, type Capability, ROLES, roleCan } from '@itinera/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, apiHarness, isErrorShape } from './support/api.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Operation {
  method: Method;
  path: string;
  capability: string;
}

/** Every operation the OpenAPI document lists, so a new route is in the matrix as soon as it exists. */
async function operations(h: ApiHarness): Promise<Operation[]> {
  const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
  return Object.entries(spec.paths as Record<string, Record<string, { 'x-capability'?: string }>>).flatMap(
    ([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase() as Method,
        path,
        capability: op['x-capability'] ?? 'undeclared',
      })),
  );
}

const concrete = (path: string) => path.replace('{version}', '1').replace(/\{[^}]+\}/g, 'matrix-x');

describe('role matrix over every route in the OpenAPI document', () => {
  let h: ApiHarness;
  let ops: Operation[];
  beforeAll(async () => {
    h = await apiHarness();
    ops = await operations(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('declares a known capability for every /v1 route', () => {
    const v1 = ops.filter((op) => op.path.startsWith('/v1'));
    expect(v1.length).toBeGreaterThan(30);
    for (const op of v1)
      expect([op.method, op.path, op.capability in CAPABILITIES]).toEqual([op.method, op.path, true]);
  });

  it('allows exactly the roles the capability names, and refuses a missing key', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const op of ops.filter((o) => o.path.startsWith('/v1'))) {
      const url = concrete(op.path);
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const anonymous = await h.call(op.method, url, body, null);
      expect(isErrorShape(anonymous.body)).toBe(true);
      outcomes.push(`${op.method} ${op.path} (no key): ${anonymous.status}`);
      expected.push(`${op.method} ${op.path} (no key): 401`);
      for (const role of ROLES) {
        const { status } = await h.call(op.method, url, body, role);
        const allowed = roleCan(role, op.capability as Capability);
        outcomes.push(
          `${op.method} ${op.path} ${role}: ${status === 403 || status === 401 ? 'denied' : 'allowed'}`,
        );
        expected.push(`${op.method} ${op.path} ${role}: ${allowed ? 'allowed' : 'denied'}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('keeps subscriptions changes to admin and support', async () => {
    const body = { channels: { email: false } };
    expect((await h.call('PUT', '/v1/customers/c1/subscriptions', body, 'marketer')).status).toBe(403);
    expect((await h.call('PUT', '/v1/customers/c1/subscriptions', body, 'support')).status).toBe(200);
  });
});
