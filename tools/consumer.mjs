// Helpers of the consumer checks: pack workspace packages with `npm pack` and install the tarballs into a
// fresh folder outside the workspace, the way a user's app gets them. The install is offline: the app's
// lockfile is the tarballs plus the workspace lockfile's entries for their dependency trees, whose
// packages `npm ci` already put in npm's cache, so no registry metadata is needed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspace = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The environment of a user's shell: no source condition, none of the workspace's npm or Nx settings, and
 * onnxruntime-node's CUDA download skipped (an offline machine needs it; see the SDK's README).
 */
export function userEnv() {
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', NODE_OPTIONS: '' };
  for (const k of Object.keys(env)) {
    // npm's and Nx's settings of the workspace (NX_WORKSPACE_ROOT would move the app's relative paths).
    if ((k.startsWith('npm_') && k !== 'npm_config_cache') || k.startsWith('NX_')) delete env[k];
  }
  return env;
}

export function run(cmd, args, cwd, env = userEnv()) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function freshFolder(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Packs each workspace package (by folder under the workspace) into `dest`; refuses one shipping sources. */
export function pack(folders, dest) {
  const out = {};
  for (const folder of folders) {
    const root = join(workspace, folder);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dest], root));
    const files = info.files.map((f) => f.path);
    if (files.some((f) => f.startsWith('src/'))) throw new Error(`${info.filename} holds TypeScript sources`);
    const integrity = `sha512-${createHash('sha512')
      .update(readFileSync(join(dest, info.filename)))
      .digest('base64')}`;
    out[pkg.name] = {
      pkg,
      file: info.filename,
      size: info.size,
      unpacked: info.unpackedSize,
      files,
      integrity,
    };
  }
  return out;
}

/** Node's lookup of `name` from the package at `key`: its own node_modules, then each folder above. */
function lookup(lock, key, name) {
  for (let at = key; at;) {
    const candidate = `${at}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    const i = at.lastIndexOf('/node_modules/');
    at = i < 0 ? '' : at.slice(0, i);
  }
  return `node_modules/${name}`;
}

/**
 * Writes package.json and package-lock.json for an app depending on `deps` (name -> range) in `app`, with
 * packed workspace packages (`tarballs`, from pack) as `file:` dependencies, and installs it with `npm ci`.
 * Returns the install's wall time in seconds.
 */
export function install(app, deps, tarballs) {
  const lock = JSON.parse(readFileSync(join(workspace, 'package-lock.json'), 'utf8'));
  const dependencies = Object.fromEntries(
    Object.entries(deps).map(([n, v]) => [n, tarballs[n] ? `file:${tarballs[n].file}` : v]),
  );
  const packages = { '': { name: 'consumer-app', dependencies } };
  const todo = Object.keys(deps).map((n) => `node_modules/${n}`);
  while (todo.length) {
    const key = todo.pop();
    if (packages[key]) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    let entry;
    if (tarballs[name]) {
      const t = tarballs[name];
      entry = {
        version: t.pkg.version,
        resolved: `file:${t.file}`,
        integrity: t.integrity,
        ...(t.pkg.dependencies ? { dependencies: t.pkg.dependencies } : {}),
        ...(t.pkg.optionalDependencies ? { optionalDependencies: t.pkg.optionalDependencies } : {}),
        ...(t.pkg.bin ? { bin: t.pkg.bin } : {}),
        ...(t.pkg.engines ? { engines: t.pkg.engines } : {}),
      };
    } else {
      entry = lock.packages[key];
      if (!entry) throw new Error(`${key} is not in the workspace lockfile`);
      entry = { ...entry };
      delete entry.dev;
      delete entry.peer;
    }
    packages[key] = entry;
    const wanted = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const n of Object.keys(wanted)) {
      todo.push(lookup(lock, key, n));
    }
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer-app', private: true, type: 'module', dependencies }, null, 2),
  );
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consumer-app', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  const t0 = performance.now();
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
  return (performance.now() - t0) / 1000;
}

const NODE_APP = `import { loadGenerator, writeGrid, type LoadOptions } from '@ganforge/inference';
// @ts-expect-error browser only: the Node entry has no toImageData
import { toImageData } from '@ganforge/inference';

const options: LoadOptions = {
  executionProviders: ['webgpu', 'cpu'],
  sessionOptions: { graphOptimizationLevel: 'all', intraOpNumThreads: 1 },
};
// @ts-expect-error not one of onnxruntime's optimisation levels
const wrong: LoadOptions = { sessionOptions: { graphOptimizationLevel: 'fastest' } };
// @ts-expect-error a Node-only project has no DOM lib, and the SDK's types bring none
export const title: string = document.title;

export async function grid(path: string): Promise<unknown[]> {
  await using g = await loadGenerator(path, options);
  const r = await g.sample({ count: 4, signal: AbortSignal.timeout(10_000) });
  await writeGrid(r, 'grid.png');
  return [toImageData, wrong, g.info.classes?.count, g.info.executionProvider];
}
`;

const BROWSER_APP = `import { loadGenerator, toImageData } from '@ganforge/inference';
// @ts-expect-error Node only: the browser entry has no writeGrid
import { writeGrid } from '@ganforge/inference';
import { drawToCanvas } from '@ganforge/inference/browser';

export async function draw(url: string, canvas: HTMLCanvasElement): Promise<unknown[]> {
  const g = await loadGenerator(url, { wasmPaths: '/ort/', executionProviders: ['webgpu', 'wasm'] });
  const r = await g.sample({ count: 1 });
  await g.dispose();
  drawToCanvas(r, canvas);
  return [toImageData(r), writeGrid];
}
// @ts-expect-error a browser project has no Node types, and the SDK's types bring none
export const cwd: string = process.cwd();
`;

/**
 * The SDK's two declaration surfaces as apps meet them, checked with the app's own TypeScript:
 * - a Node-only project (moduleResolution node16, lib es2022 without the DOM, @types/node) gets the
 *   Node entry's types: writeGrid, no toImageData, and no DOM globals brought in;
 * - a browser project (moduleResolution bundler with the "browser" condition, lib dom, no Node types)
 *   gets the browser entry's: toImageData, no writeGrid, and no Node globals brought in.
 * The Node project sets skipLibCheck: onnxruntime-common's own declarations (the session options type)
 * name a few DOM types, as they do for every Node project that uses onnxruntime's types.
 */
export function typecheckEntries(app) {
  const projects = {
    'ts-node': {
      app: NODE_APP,
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        lib: ['es2022'],
        types: ['node'],
        skipLibCheck: true,
      },
    },
    'ts-browser': {
      app: BROWSER_APP,
      compilerOptions: {
        module: 'esnext',
        moduleResolution: 'bundler',
        customConditions: ['browser'],
        lib: ['es2022', 'dom'],
        types: [],
      },
    },
  };
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [name, project] of Object.entries(projects)) {
    const dir = join(app, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.ts'), project.app);
    const compilerOptions = { ...project.compilerOptions, target: 'es2022', strict: true, noEmit: true };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['app.ts'] }));
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], dir);
  }
}
