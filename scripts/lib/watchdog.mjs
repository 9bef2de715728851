// Orphan protection, layer 3: a tiny detached watchdog process holds a pipe to us; when we die in any
// way (even SIGKILL) the pipe closes and it kills the remaining process groups (SIGTERM, SIGKILL 5 s
// later). We tell it about every group we start (`+pid`) and every group that exited (`-pid`).
import { spawn } from 'node:child_process';

/** @type {import('node:child_process').ChildProcess | null} */
let watchdog = null;

const WATCHDOG_SRC = `
process.title = 'itinera-watchdog';
const pids = new Set();
let buf = '';
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const pid = Number(line.slice(1));
    if (line[0] === '+') pids.add(pid); else pids.delete(pid);
  }
});
const kill = (sig) => {
  for (const p of pids) { try { process.kill(-p, sig); } catch { pids.delete(p); } }
};
process.stdin.on('end', () => {
  kill('SIGTERM');
  const t0 = Date.now();
  const poll = setInterval(() => {
    kill(0);
    if (pids.size === 0) process.exit(0);
    if (Date.now() - t0 > 5000) { kill('SIGKILL'); process.exit(0); }
  }, 200);
});
`;

/** Sends one line (`+pid` or `-pid`) to the watchdog, starting it on first use. Best effort only. */
export function watchdogSend(line) {
  try {
    if (!watchdog) {
      watchdog = spawn(process.execPath, ['-e', WATCHDOG_SRC], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      watchdog.on('error', () => {
        watchdog = null;
      });
      watchdog.stdin?.on('error', () => {});
      watchdog.unref();
      watchdog.stdin?.unref?.();
    }
    watchdog.stdin?.write(`${line}\n`);
  } catch {
    // best effort only
  }
}
