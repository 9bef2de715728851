// Vitest global setup: starts ONE Temporal dev server, ONE Temporal time-skipping test server and ONE
// MongoDB-wire store per test run and exposes their addresses through process.env and inject():
//   TEMPORAL_ADDRESS              host:port of the Temporal dev server (namespace "default")
//   TEMPORAL_TEST_SERVER_ADDRESS  host:port of the time-skipping test server
//   MONGODB_URI                   base URI; each test file should use its own database name
// Already-set environment variables are used as they are instead of starting a server.
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  type StartedMongo,
  type StartedTemporal,
  type StartedTestServer,
  startMongo,
  startTemporalDev,
  startTimeSkippingServer,
} from '../scripts/lib/servers.mjs';
import { describeFailure, ensureTools, ROOT } from '../scripts/lib/tools.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    TEMPORAL_ADDRESS: string;
    TEMPORAL_TEST_SERVER_ADDRESS: string;
    MONGODB_URI: string;
  }
}

const TEST_DATA = path.join(ROOT, '.test-data');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes data dirs of earlier runs whose process is gone (crashed or killed runs). */
function removeStaleRuns(): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(TEST_DATA);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = /^run-(\d+)-/.exec(name);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join(TEST_DATA, name), { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const wanted = {
    temporal: !process.env.TEMPORAL_ADDRESS,
    testServer: !process.env.TEMPORAL_TEST_SERVER_ADDRESS,
    mongo: !process.env.MONGODB_URI,
  };
  if (wanted.temporal || wanted.testServer || wanted.mongo) {
    try {
      ensureTools();
    } catch (err) {
      throw new Error(`[global-setup] provisioning failed: ${describeFailure(err)}`);
    }
  }

  removeStaleRuns();
  const runDir = path.join(TEST_DATA, `run-${process.pid}-${Date.now().toString(36)}`);
  const logDir = path.join(runDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });

  let temporal: StartedTemporal | undefined;
  let testServer: StartedTestServer | undefined;
  let mongo: StartedMongo | undefined;
  const stopAll = async () => {
    await Promise.allSettled([temporal?.stop(5_000), testServer?.stop(5_000), mongo?.stop(5_000)]);
    temporal = testServer = mongo = undefined;
  };

  const started = await Promise.allSettled([
    wanted.temporal
      ? startTemporalDev({ headless: true, logFile: path.join(logDir, 'temporal.log') }).then((s) => {
          temporal = s;
        })
      : undefined,
    wanted.testServer
      ? startTimeSkippingServer({ logFile: path.join(logDir, 'temporal-test-server.log') }).then((s) => {
          testServer = s;
        })
      : undefined,
    wanted.mongo
      ? startMongo({
          dataDir: path.join(runDir, 'mongo'),
          logFile: path.join(logDir, 'mongo.log'),
          durable: false,
        }).then((s) => {
          mongo = s;
        })
      : undefined,
  ]);
  const failures = started.flatMap((r) =>
    r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [],
  );
  if (failures.length > 0) {
    await stopAll();
    throw new Error(`[global-setup] could not start test servers:\n${failures.join('\n')}`);
  }

  const env = {
    TEMPORAL_ADDRESS: temporal?.address ?? (process.env.TEMPORAL_ADDRESS as string),
    TEMPORAL_TEST_SERVER_ADDRESS: testServer?.address ?? (process.env.TEMPORAL_TEST_SERVER_ADDRESS as string),
    MONGODB_URI: mongo?.url ?? (process.env.MONGODB_URI as string),
  };
  for (const [key, value] of Object.entries(env) as [keyof typeof env, string][]) {
    process.env[key] = value;
    project.provide(key, value);
  }
  process.env.TEMPORAL_NAMESPACE ??= 'default';
  process.env.ITINERA_TEST_DATA_DIR = runDir;
  console.log(
    `[global-setup] servers ready in ${Date.now() - t0} ms: temporal=${env.TEMPORAL_ADDRESS} ` +
      `time-skipping=${env.TEMPORAL_TEST_SERVER_ADDRESS} mongo=${env.MONGODB_URI}${mongo ? ` (${mongo.kind})` : ''} logs=${path.relative(ROOT, logDir)}`,
  );

  return async () => {
    await stopAll();
    if (process.env.ITINERA_KEEP_TEST_DATA === '1') {
      console.log(`[global-setup] kept ${runDir}`);
    } else {
      fs.rmSync(runDir, { recursive: true, force: true });
    }
  };
}
