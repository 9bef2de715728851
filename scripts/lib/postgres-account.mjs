// PostgreSQL refuses to run as root. When we are root (CI, containers) it runs as the unprivileged
// `nobody` account, which must be able to reach its binaries and its data dir: when a parent folder is
// closed to others (e.g. a clone under /root), the binaries are copied and the data dir is placed under
// /var/tmp instead.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const FALLBACK_ROOT = '/var/tmp/itinera-postgres';

/** @returns {{ uid: number, gid: number, name: string } | null} null when we may run postgres ourselves */
export function postgresAccount() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const name = 'nobody';
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid, name };
  } catch {
    throw new Error(
      'running as root and there is no `nobody` account to run PostgreSQL as; run as a normal user or set ITINERA_EMBEDDED_BACKEND=sqlite',
    );
  }
}

/** True when `account` can traverse every existing folder on the way to `target`. */
function reachable(target, account) {
  let dir = path.resolve(target);
  const chain = [];
  while (true) {
    chain.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of chain) {
    let st;
    try {
      st = fs.statSync(d);
    } catch {
      continue; // created later, by us, with open permissions
    }
    if (!st.isDirectory()) continue;
    const ok =
      st.uid === account.uid ? st.mode & 0o100 : st.gid === account.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!ok) return false;
  }
  return true;
}

function fallbackDir(kind, original) {
  fs.mkdirSync(FALLBACK_ROOT, { recursive: true, mode: 0o755 });
  fs.chmodSync(FALLBACK_ROOT, 0o755);
  const key = crypto.createHash('sha256').update(original).digest('hex').slice(0, 16);
  return path.join(FALLBACK_ROOT, `${kind}-${key}`);
}

/** `dataDir` itself, or a folder under /var/tmp that `account` can reach. */
export function reachablePath(dataDir, account) {
  if (!account || reachable(path.dirname(dataDir), account)) return dataDir;
  return fallbackDir('data', dataDir);
}

/** `binDir` itself, or a cached copy of its package's native/ tree that `account` can reach. */
export function reachableCopy(binDir, account) {
  if (!account || reachable(binDir, account)) return binDir;
  const nativeDir = path.dirname(binDir);
  const stamp = `${fs.statSync(path.join(binDir, 'postgres')).mtimeMs}`;
  const copy = fallbackDir('native', `${nativeDir}@${stamp}`);
  if (!fs.existsSync(path.join(copy, '.complete'))) {
    fs.rmSync(copy, { recursive: true, force: true });
    fs.cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
    fs.writeFileSync(path.join(copy, '.complete'), stamp);
  }
  return path.join(copy, 'bin');
}
