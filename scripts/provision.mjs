#!/usr/bin/env node
// Provisions the real servers used by `npm start` and `npm test` into .tools/ (see scripts/lib/tools.mjs).
// Runs as the root `postinstall`; idempotent and cached, so it is cheap to call again.
// ITINERA_SKIP_PROVISION=1 skips everything (e.g. Docker images that talk to external servers).
import { describeFailure, ensureTools, ProvisionError } from './lib/tools.mjs';

if (process.env.ITINERA_SKIP_PROVISION === '1') {
  console.log('[provision] skipped (ITINERA_SKIP_PROVISION=1)');
  process.exit(0);
}

const t0 = Date.now();
try {
  const paths = ensureTools();
  const shown = Object.entries(paths)
    .map(([k, v]) => `${k}=${v ?? '-'}`)
    .join(' ');
  console.log(`[provision] ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${shown}`);
} catch (err) {
  if (err instanceof ProvisionError && err.detail) console.error(err.detail.replace(/^/gm, '  | '));
  console.error(`[provision] FAILED: ${describeFailure(err)}`);
  process.exit(1);
}
