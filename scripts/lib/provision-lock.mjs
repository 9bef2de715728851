// A lock directory in .tools/ so that concurrent provisioning runs (postinstall, `npm start` and `vitest`
// may race on a fresh clone) take turns. Stale locks of dead processes are taken over.
import fs from 'node:fs';
import path from 'node:path';
import { LOCK_DIR, log, ProvisionError, TOOLS_DIR } from './provision-common.mjs';

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Blocks until the lock is ours (up to 20 minutes); returns the function that releases it. */
export function acquireLock() {
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      return () => fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = Number.NaN;
    try {
      owner = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'));
    } catch {
      // lock dir being created/removed right now
    }
    const age = Date.now() - (fs.statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((Number.isFinite(owner) && !pidAlive(owner)) || (!Number.isFinite(owner) && age > 10_000)) {
      fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new ProvisionError(`timed out waiting for ${LOCK_DIR} (held by pid ${owner})`);
    if (!announced) {
      log(`waiting for another provisioning run (pid ${owner}) to finish...`);
      announced = true;
    }
    sleepSync(500);
  }
}
