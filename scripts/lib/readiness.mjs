// Waiting for a freshly spawned server to become ready, failing early when its process exits.
import net from 'node:net';
import { assertAlive } from './processes.mjs';

function tryConnect(host, port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once host:port accepts TCP connections; rejects after timeoutMs.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @param {{ process?: import('./processes.mjs').ManagedProcess }} [opts] rejects early when this process exits
 */
export async function waitForPort(host, port, timeoutMs = 30_000, opts = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertAlive(opts.process);
    if (await tryConnect(host, port)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${host}:${port}`);
    await sleep(100);
  }
}

/** Retries `probe` until it resolves; rejects with the last error after timeoutMs. */
export async function waitUntil(what, probe, timeoutMs, proc) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    assertAlive(proc);
    try {
      return await probe();
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${lastErr?.message ?? lastErr}`);
    }
    await sleep(250);
  }
}

/** Runs `waitFn`; when it fails, stops `proc` (3 s grace) and rethrows. */
export async function startOrCleanup(proc, waitFn) {
  try {
    await waitFn();
  } catch (err) {
    await proc.stop(3000);
    throw err;
  }
}
