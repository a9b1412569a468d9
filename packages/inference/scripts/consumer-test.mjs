// Consumer check: packs this package, installs the tarball into a fresh folder outside the workspace the
// way a user's app would (npm, offline, ONNXRUNTIME_NODE_INSTALL=skip), and runs plain `node` there: an
// ESM import and a CommonJS require each load the committed fixtures/rgb-4x4.onnx, sample it and compare
// the pixels with fixtures/rgb-4x4.expected.json. Needs a build first (nx run inference:consumer-test
// builds it). Dependencies come from npm's cache, which `npm ci` filled: the app's lockfile is the
// workspace's lock entries for the SDK's dependency tree, so no registry metadata is needed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = join(root, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const expected = JSON.parse(readFileSync(join(root, 'fixtures', 'rgb-4x4.expected.json'), 'utf8'));
if (!existsSync(join(root, 'dist', 'esm', 'node.js'))) {
  console.error('consumer-test: dist/ is missing; run `npx nx run inference:build` first');
  process.exit(1);
}

const app = mkdtempSync(join(tmpdir(), 'ganforge-consumer-'));
// Outside the workspace nothing sets the source condition or reads the workspace's .npmrc.
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', NODE_OPTIONS: '' };
delete env.npm_config_node_options;
for (const k of Object.keys(env)) if (k.startsWith('npm_') && k !== 'npm_config_cache') delete env[k];

function run(cmd, args, cwd = app) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', app], root));
  const tarball = packed[0].filename;
  const files = packed[0].files.map((f) => f.path);
  if (files.some((f) => f.startsWith('src/'))) throw new Error('the tarball holds TypeScript sources');
  console.log(`packed ${tarball}: ${files.length} files, ${packed[0].size} bytes`);

  // The app's lockfile: the SDK from the tarball, its dependency tree as the workspace locked it.
  const lock = JSON.parse(readFileSync(join(workspace, 'package-lock.json'), 'utf8'));
  const integrity = `sha512-${createHash('sha512')
    .update(readFileSync(join(app, tarball)))
    .digest('base64')}`;
  const packages = {
    '': { name: 'consumer-app', dependencies: { [pkg.name]: `file:${tarball}` } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: pkg.dependencies,
    },
  };
  const todo = Object.keys(pkg.dependencies).map((n) => `node_modules/${n}`);
  while (todo.length) {
    const key = todo.pop();
    if (packages[key]) continue;
    const entry = lock.packages[key];
    if (!entry) throw new Error(`${key} is not in the workspace lockfile`);
    packages[key] = entry;
    for (const n of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      // Node's lookup: nested under this package first, then hoisted.
      const nested = `${key}/node_modules/${n}`;
      todo.push(lock.packages[nested] ? nested : `node_modules/${n}`);
    }
  }
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'consumer-app',
      private: true,
      type: 'module',
      dependencies: packages[''].dependencies,
    }),
  );
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify({ name: 'consumer-app', lockfileVersion: 3, requires: true, packages }),
  );
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund']);
  copyFileSync(join(root, 'fixtures', 'rgb-4x4.onnx'), join(app, 'g.onnx'));

  const body = `
    const g = await loadGenerator('g.onnx');
    const r = await g.sample({ count: ${expected.count}, seed: ${expected.seed} });
    await g.dispose();
    console.log(JSON.stringify({ n: r.pixels.length, first: Array.from(r.pixels.subarray(0, ${expected.first.length})) }));`;
  writeFileSync(join(app, 'app.mjs'), `import { loadGenerator } from '${pkg.name}';\n${body}\n`);
  writeFileSync(
    join(app, 'app.cjs'),
    `const { loadGenerator } = require('${pkg.name}');\n(async () => {${body}\n})();\n`,
  );
  for (const script of ['app.mjs', 'app.cjs']) {
    const out = JSON.parse(run(process.execPath, [script]));
    const worst = Math.max(...out.first.map((v, i) => Math.abs(v - expected.first[i])));
    if (out.n !== expected.shape[0] || !(worst < 1e-6)) {
      throw new Error(`${script}: got ${JSON.stringify(out)}, expected ${JSON.stringify(expected)}`);
    }
    console.log(`node ${script}: ${out.n} values, worst difference ${worst.toExponential(1)}`);
  }
  const resolved = run(process.execPath, ['-p', `require.resolve('${pkg.name}')`]).trim();
  console.log(`resolved to ${resolved.replace(app, '<app>')}`);
} finally {
  rmSync(app, { recursive: true, force: true });
}
