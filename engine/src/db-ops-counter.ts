import type { FastifyInstance } from 'fastify';
import type { CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

/** A command's kind, collection and filter keys, e.g. `find events customerId,event,timestamp`. */
function shapeOf({ commandName, command }: CommandStartedEvent): string {
  const filter = command.filter ?? command.deletes?.[0]?.q ?? command.updates?.[0]?.q ?? command.query;
  const keys = filter && typeof filter === 'object' ? Object.keys(filter).sort().join(',') : '';
  const target = command[commandName];
  return `${commandName} ${typeof target === 'string' ? target : ''} ${keys}`.trim();
}

/**
 * Benchmark aid, on only with ITINERA_COUNT_DB_OPS=1 (the client must be created with `monitorCommands: true`):
 * counts every command the driver sends, and the time the store took per command shape, and serves the
 * totals at GET /v1/debug/db-ops (admin keys only).
 */
export function registerDbOpsCounter(app: FastifyInstance, client: MongoClient): void {
  const byCommand: Record<string, number> = {};
  const byShape: Record<string, { count: number; ms: number }> = {};
  const started = new Map<number, string>();
  let total = 0;
  client.on('commandStarted', (event: CommandStartedEvent) => {
    total++;
    byCommand[event.commandName] = (byCommand[event.commandName] ?? 0) + 1;
    started.set(event.requestId, shapeOf(event));
  });
  const finished = (event: Pick<CommandSucceededEvent, 'requestId' | 'duration'>) => {
    const shape = started.get(event.requestId);
    if (shape === undefined) return;
    started.delete(event.requestId);
    const entry = byShape[shape] ?? { count: 0, ms: 0 };
    byShape[shape] = { count: entry.count + 1, ms: entry.ms + event.duration };
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);
  app.get(
    '/v1/debug/db-ops',
    { config: { capability: 'keys:manage' }, schema: { hide: true } },
    async () => ({ total, byCommand, byShape }),
  );
}
