import type { FastifyInstance } from 'fastify';
import type { CommandStartedEvent, MongoClient } from 'mongodb';

/**
 * Benchmark aid, on only with ITINERA_COUNT_DB_OPS=1 (the client must be created with `monitorCommands: true`):
 * counts every command the driver sends and serves the totals at GET /v1/debug/db-ops (admin keys only).
 */
export function registerDbOpsCounter(app: FastifyInstance, client: MongoClient): void {
  const byCommand: Record<string, number> = {};
  let total = 0;
  client.on('commandStarted', (event: CommandStartedEvent) => {
    total++;
    byCommand[event.commandName] = (byCommand[event.commandName] ?? 0) + 1;
  });
  app.get(
    '/v1/debug/db-ops',
    { config: { capability: 'keys:manage' }, schema: { hide: true } },
    async () => ({ total, byCommand }),
  );
}
