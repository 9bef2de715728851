import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  COLLECTIONS,
  registeredExecutorTypes,
  WORKER_HEARTBEAT_MS,
  type WorkerCapabilities,
} from '@itinera/schemas';
import type { Db } from 'mongodb';
import type { WorkerPlugin } from './worker.ts';

/**
 * The node types this worker's workflow code can run: the built-in executors and every plugin's. The
 * modules are deterministic, so loading them outside the workflow sandbox only registers them here too.
 */
export async function executableNodeTypes(plugins: WorkerPlugin[] = []): Promise<string[]> {
  await import('@itinera/nodes/executors');
  for (const plugin of plugins) if (plugin.executorsModule) await import(plugin.executorsModule);
  return registeredExecutorTypes();
}

/** Keeps one document per running worker in `workers` (node types it can run, last seen) until stopped. */
export function reportCapabilities(db: Db, taskQueue: string, nodeTypes: string[]) {
  const workers = db.collection<WorkerCapabilities & { _id: string }>(COLLECTIONS.workers);
  const _id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const beat = () =>
    workers
      .replaceOne({ _id }, { taskQueue, nodeTypes, lastSeen: new Date().toISOString() }, { upsert: true })
      .catch((error) => console.error(`worker heartbeat failed: ${(error as Error).message}`));
  const first = beat();
  const timer = setInterval(beat, WORKER_HEARTBEAT_MS);
  timer.unref();
  return {
    reported: first,
    async stop() {
      clearInterval(timer);
      await first;
      await workers.deleteOne({ _id }).catch(() => undefined);
    },
  };
}
