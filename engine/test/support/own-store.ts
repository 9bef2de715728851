import path from 'node:path';
import { type StartedMongo, startMongo } from '../../../scripts/lib/servers.mjs';

/** A store of the test's own (on `port` when given), so killing it touches no other test. */
export async function ownStore(name: string, port?: number): Promise<StartedMongo> {
  const shared = process.env.MONGODB_URI;
  delete process.env.MONGODB_URI;
  try {
    const dataDir = path.join(process.env.ITINERA_TEST_DATA_DIR ?? '.test-data', name);
    return await startMongo({ dataDir, port });
  } finally {
    process.env.MONGODB_URI = shared;
  }
}

/** Kills the store as a crash of its machine would (FerretDB and its PostgreSQL), and waits until it is gone. */
export async function killStore(store: StartedMongo): Promise<void> {
  const processes = store.processes ?? [store.process!];
  for (const proc of processes) process.kill(-proc.pid, 'SIGKILL');
  await Promise.all(processes.map((proc) => proc.exited));
}
