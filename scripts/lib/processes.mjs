// Child processes that cannot outlive us: spawning, stopping and last-resort killing.
//
// Orphan protection, in three layers:
//  1. every child runs in its own process group (detached) and stop() kills the whole group
//     (SIGTERM, then SIGKILL after a timeout);
//  2. a process 'exit' handler synchronously sends SIGTERM to every group still running;
//  3. a detached watchdog process kills the remaining groups when we die in any way (watchdog.mjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { watchdogSend } from './watchdog.mjs';

/** @type {Set<ManagedProcess>} */
const running = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) killGroup(p.pid, 'SIGTERM');
  });
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Throws (with the tail of its log) when `proc` has already exited; no-op without a process. */
export function assertAlive(proc) {
  if (proc?.exitInfo) {
    throw new Error(
      `${proc.name} exited during startup (${describeExit(proc.exitInfo)}); see ${proc.logFile ?? 'its output'}${logTail(proc.logFile)}`,
    );
  }
}

function describeExit({ code, signal }) {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function logTail(file, lines = 12) {
  if (!file) return '';
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    if (!text) return '';
    return `\n--- last lines of ${file} ---\n${text.split('\n').slice(-lines).join('\n')}`;
  } catch {
    return '';
  }
}

/**
 * @typedef {object} ManagedProcess
 * @property {string} name
 * @property {number} pid
 * @property {import('node:child_process').ChildProcess} child
 * @property {string | undefined} logFile
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {{ code: number | null, signal: NodeJS.Signals | null } | null} exitInfo
 * @property {(timeoutMs?: number, signal?: NodeJS.Signals) => Promise<void>} stop
 */

/**
 * Spawns `cmd args` in its own process group. Output is appended to `logFile` (when given); with
 * `onLine` the output is additionally delivered line by line (stream is 'stdout' | 'stderr').
 * @param {string} name
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ logFile?: string, env?: NodeJS.ProcessEnv, cwd?: string,
 *           onLine?: (line: string, stream: 'stdout' | 'stderr') => void,
 *           spawnAs?: { uid: number, gid: number } | null }} [opts]
 * @returns {ManagedProcess}
 */
export function spawnManaged(name, cmd, args, opts = {}) {
  installExitHook();
  const { logFile, onLine } = opts;
  let fd = null;
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `\n=== ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
  }
  const out = onLine ? 'pipe' : (fd ?? 'ignore');
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
    ...(opts.spawnAs ? { uid: opts.spawnAs.uid, gid: opts.spawnAs.gid } : {}),
  });
  if (onLine) {
    const logStream = fd === null ? null : fs.createWriteStream(logFile ?? '', { fd, autoClose: true });
    for (const stream of /** @type {const} */ (['stdout', 'stderr'])) {
      let buf = '';
      const src = child[stream];
      src?.setEncoding('utf8');
      src?.on('data', (chunk) => {
        logStream?.write(chunk);
        buf += chunk;
        let i = buf.indexOf('\n');
        while (i >= 0) {
          onLine(buf.slice(0, i), stream);
          buf = buf.slice(i + 1);
          i = buf.indexOf('\n');
        }
      });
      src?.on('end', () => {
        if (buf) onLine(buf, stream);
        buf = '';
      });
    }
    child.once('close', () => logStream?.end());
  } else if (fd !== null) {
    fs.closeSync(fd);
  }

  /** @type {ManagedProcess} */
  const proc = {
    name,
    pid: /** @type {number} */ (child.pid),
    child,
    logFile,
    exitInfo: null,
    exited: new Promise((resolve) => {
      child.once('error', (err) => {
        proc.exitInfo = { code: -1, signal: null };
        if (logFile) fs.appendFileSync(logFile, `spawn error: ${err.message}\n`);
        running.delete(proc);
        resolve(proc.exitInfo);
      });
      child.once('exit', (code, signal) => {
        proc.exitInfo = { code, signal };
        running.delete(proc);
        if (proc.pid) watchdogSend(`-${proc.pid}`);
        resolve(proc.exitInfo);
      });
    }),
    async stop(timeoutMs = 10_000, signal = 'SIGTERM') {
      if (!proc.exitInfo) {
        killGroup(proc.pid, signal);
        const timer = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), timeoutMs);
        await proc.exited;
        clearTimeout(timer);
      }
      // leader is gone; make sure nothing else of its group survives
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        // group empty
      }
    },
  };
  if (child.pid) {
    running.add(proc);
    watchdogSend(`+${child.pid}`);
  }
  return proc;
}

/** Synchronously SIGKILLs every server started through this module (last-resort cleanup). */
export function killAllSync() {
  for (const p of running) killGroup(p.pid, 'SIGKILL');
}
