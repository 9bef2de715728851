import { ROLES, type Role } from '@itinera/schemas';
import type { FastifyInstance } from 'fastify';
import type { Db } from 'mongodb';
import { devServerClient, testDatabase, uniqueTaskQueue } from '../../../test/support/servers.ts';
import { buildApp } from '../../src/app.ts';
import { createApiKey } from '../../src/plugins/auth.ts';

export interface ApiHarness {
  app: FastifyInstance;
  db: Db;
  keys: Record<Role, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies ad hoc
  call<T = any>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    role?: Role | null,
  ): Promise<{ status: number; body: T; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The real API (in-process, inject) on a fresh database and the run's Temporal dev server, without a worker. */
export async function apiHarness(options: { db?: Db } = {}): Promise<ApiHarness> {
  const store = options.db ? undefined : await testDatabase();
  const db = options.db ?? store!.db;
  const { client, connection } = await devServerClient();
  const app = await buildApp({
    db,
    temporal: { client, taskQueue: uniqueTaskQueue() },
    editorDir: '/nonexistent',
  });
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = await createApiKey(db, role, `${role} (test)`);
  return {
    app,
    db,
    keys,
    async call(method, url, body, role = 'admin') {
      const response = await app.inject({
        method,
        url,
        headers: role ? { authorization: `Bearer ${keys[role]}` } : {},
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const json = response.body && response.headers['content-type']?.toString().includes('json');
      return {
        status: response.statusCode,
        body: (json ? response.json() : response.body) as never,
        headers: response.headers,
      };
    },
    async close() {
      await app.close();
      await connection.close();
      await store?.close();
    },
  };
}

/** Asserts the documented error shape and returns the body. */
export function isErrorShape(body: unknown): boolean {
  const b = body as Record<string, unknown> | null;
  return !!b && typeof b.error === 'string' && typeof b.message === 'string' && typeof b.field === 'string';
}
