#!/usr/bin/env node
// Runs before `npm test`: the tests drive a real headless Chromium and the real ONNX checker, which
// come from Debian, not from npm. When one is missing this installs it (as root, with apt-get) or
// stops within seconds with the one command that installs it, instead of failing minutes later
// with a raw launch error or `ModuleNotFoundError: No module named 'onnx'`.
//
//   CHROMIUM_PATH=<binary>          use another Chromium (default /usr/bin/chromium)
//   GANFORGE_PREFLIGHT_INSTALL=0    never install, only say what is missing
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const PYTHON = '/usr/bin/python3';

/** What the tests need: a name for people, the Debian package, and how to tell it is there. */
const REQUIREMENTS = [
  {
    what: "headless Chromium (the gallery and SDK browser tests; its SwiftShader Vulkan driver runs the trainer's WebGPU test)",
    debian: 'chromium',
    present: () => executable(process.env.CHROMIUM_PATH || '/usr/bin/chromium'),
  },
  {
    what: 'the ONNX checker (exported models are validated with it)',
    debian: 'python3-onnx',
    present: () => spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0,
  },
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function missing() {
  return REQUIREMENTS.filter((r) => !r.present());
}

function installCommand(packages) {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function canInstall() {
  if (process.env.GANFORGE_PREFLIGHT_INSTALL === '0') return false;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return executable('/usr/bin/apt-get');
}

function install(packages) {
  console.log(`preflight: installing ${packages.join(' ')} with apt-get (the tests need them) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('/usr/bin/apt-get', args, { stdio: 'inherit', env }).status === 0;
  return run(['update', '-qq']) && run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

function main() {
  let lacking = missing();
  if (lacking.length === 0) return 0;
  const packages = lacking.map((r) => r.debian);
  if (canInstall() && install(packages)) lacking = missing();
  if (lacking.length === 0) {
    console.log('preflight: installed; running the tests');
    return 0;
  }
  const lines = lacking.map((r) => `  - ${r.what}: Debian package ${r.debian}`);
  console.error(
    [
      'npm test needs what this machine lacks (from the operating system, not from npm):',
      ...lines,
      `Install them, then run npm test again:\n  ${installCommand(lacking.map((r) => r.debian))}`,
      'Another Chromium can be named with CHROMIUM_PATH=/path/to/chromium; off Debian, install the same',
      'programs with your system\'s package manager (Chromium, and the onnx module for /usr/bin/python3).',
    ].join('\n'),
  );
  return 1;
}

process.exitCode = main();
