#!/usr/bin/env node
// Runs the compiled release (after `npm run build`) with plain node, no tsx: the API and the worker
// against a fresh Temporal dev server and store, payload encryption on, one journey end to end.
// Used by CI; exits non-zero with the logs' location on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnManaged, startMongo, startTemporalDev, waitForPort } from './lib/servers.mjs';
import { ensureTools, ROOT } from './lib/tools.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itinera-smoke-'));
const say = (msg) => process.stdout.write(`[smoke] ${msg}\n`);
const stops = [];

async function main() {
  for (const file of ['engine/dist/main.js', 'workers/dist/main.js', 'workers/dist/workflow-bundle.js'])
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: run npm run build first`);
  ensureTools();
  const [temporal, mongo] = await Promise.all([
    startTemporalDev({ headless: true, port: await freePort(), logFile: path.join(dir, 'temporal.log') }),
    startMongo({ dataDir: path.join(dir, 'mongo'), logFile: path.join(dir, 'mongo.log') }),
  ]);
  stops.push(temporal, mongo);
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'smoke',
    MONGODB_URI: mongo.url,
    MONGODB_DB: 'smoke',
    ITINERA_DATA_DIR: dir,
    ITINERA_PAYLOAD_KEY: `smoke:${Buffer.alloc(32, 7).toString('base64')}`,
  };
  const node = (name, entry) =>
    spawnManaged(name, process.execPath, ['--conditions=itinera-dist', entry], {
      env,
      cwd: ROOT,
      logFile: path.join(dir, `${name}.log`),
    });
  const worker = node('worker', 'workers/dist/main.js');
  const api = node('api', 'engine/dist/main.js');
  stops.push(api, worker);
  await waitForPort('127.0.0.1', port, 60_000, { process: api });
  const key = fs.readFileSync(path.join(dir, 'admin-key.txt'), 'utf8').trim();
  const call = async (method, url, body) => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const node0 = (id, type, config) => ({ id, type, config, position: { x: 0, y: 0 } });
  const graph = {
    nodes: [
      node0('start', 'trigger', { kind: 'event', event: 'smoke_test', reentry: 'once' }),
      node0('hi', 'send', { channel: 'email', subject: 'Hi', body: 'Hi {{ profile.first_name }}' }),
      node0('end', 'exit', {}),
    ],
    edges: [
      { id: 'a', source: 'start', sourcePort: 'next', target: 'hi' },
      { id: 'b', source: 'hi', sourcePort: 'next', target: 'end' },
    ],
  };
  const journey = await call('POST', '/v1/journeys', { name: 'Smoke', graph });
  await call('POST', `/v1/journeys/${journey.id}/publish`, { note: 'smoke' });
  await call('POST', '/v1/identify', {
    userId: 'smoke',
    traits: { email: 's@example.com', first_name: 'Sam' },
  });
  await call('POST', '/v1/track', { userId: 'smoke', event: 'smoke_test' });
  for (let i = 0; i < 300; i++) {
    const [enrollment] = await call('GET', '/v1/customers/smoke/enrollments');
    if (enrollment && enrollment.status !== 'active') {
      if (enrollment.status !== 'completed') throw new Error(`enrollment ended ${enrollment.status}`);
      const workerLog = fs.readFileSync(path.join(dir, 'worker.log'), 'utf8');
      if (!workerLog.includes('workflow bundle: prebuilt'))
        throw new Error('worker did not use the prebuilt bundle');
      const [message] = await call('GET', '/v1/customers/smoke/messages');
      say(`journey completed on the compiled API and worker; sent "${message.body.slice(0, 6)}..."`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the enrollment did not complete within 30 s');
}

try {
  await main();
  await Promise.allSettled(stops.reverse().map((s) => s.stop(10_000)));
  fs.rmSync(dir, { recursive: true, force: true });
} catch (error) {
  process.stderr.write(`[smoke] FAILED: ${error.message}\n[smoke] logs in ${dir}\n`);
  await Promise.allSettled(stops.reverse().map((s) => s.stop(10_000)));
  process.exit(1);
}
