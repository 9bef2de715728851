// Setup: a MongoDB-wire store and a Temporal dev server (or MONGODB_URI / TEMPORAL_ADDRESS), a fresh
// production build of the editor and the real API serving it, plus an API key to drive it with.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { build } from 'vite';
import { buildApp } from '../../engine/src/app.ts';
import { connectDatabase } from '../../engine/src/db.ts';
import { createApiKey } from '../../engine/src/plugins/auth.ts';
import { startMongo, startTemporalDev } from '../../scripts/lib/servers.mjs';
import { log } from './util.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const EDITOR_ROOT = path.join(ROOT, 'editor');
const OUT_DIR = path.join(ROOT, '.artifacts/bench-editor');
const DATA_DIR = path.join(ROOT, '.artifacts/bench-data');

/**
 * Starts everything; each step pushes its teardown onto `cleanup` (run in reverse order by the caller).
 * With `noBuild`, an editor build left by a previous run is reused.
 * @param {Array<() => unknown>} cleanup
 * @param {{ noBuild?: boolean }} [opts]
 * @returns {Promise<{ url: string, key: string }>} the API's base URL and an API key
 */
export async function startServers(cleanup, { noBuild = false } = {}) {
  mkdirSync(DATA_DIR, { recursive: true });
  const runDir = path.join(DATA_DIR, `run-${process.pid}`);
  cleanup.push(async () => rmSync(runDir, { recursive: true, force: true }));

  const [mongo, temporal] = await Promise.all([
    startMongo({ dataDir: path.join(runDir, 'mongo'), logFile: path.join(runDir, 'mongo.log') }),
    process.env.TEMPORAL_ADDRESS
      ? { address: process.env.TEMPORAL_ADDRESS, stop: async () => {} }
      : startTemporalDev({ headless: true, logFile: path.join(runDir, 'temporal.log') }),
  ]);
  cleanup.push(
    () => mongo.stop(5_000),
    () => temporal.stop(5_000),
  );

  const { client: mongoClient, db } = await connectDatabase(mongo.url, `bench_${process.pid}`);
  cleanup.push(async () => {
    await db.dropDatabase().catch(() => undefined);
    await mongoClient.close();
  });

  const connection = await Connection.connect({ address: temporal.address });
  cleanup.push(() => connection.close());
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });

  if (!noBuild || !existsSync(path.join(OUT_DIR, 'index.html'))) {
    log('building the editor…');
    await build({
      root: EDITOR_ROOT,
      configFile: path.join(EDITOR_ROOT, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir: OUT_DIR, emptyOutDir: true },
    });
  }
  // The API serves the built editor itself, as in production.
  const app = await buildApp({
    db,
    temporal: { client, taskQueue: `bench-${process.pid}` },
    editorDir: OUT_DIR,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => app.close());
  const key = await createApiKey(db, 'marketer', 'editor canvas bench');
  return { url, key };
}
