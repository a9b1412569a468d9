// Builds one workspace package to dist/, driven by its package.json `exports`: every source file an
// export's "@ganforge/source" condition names becomes dist/esm/<path>.js (ESM, code shared between
// entries split into chunks), every `require` target (dist/cjs/<path>.cjs) is built from src/<path>.ts, and tsc
// (the package's tsconfig.build.json) writes the .d.ts files to dist/types. esbuild bundles a package's
// own modules (the sources import each other without extensions, which plain Node cannot resolve) and
// leaves every dependency external. Run from the package folder: `node ../../tools/build-package.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const SOURCE = '@ganforge/source';

/** Source files (relative to the package) under `value`, an export's condition tree, except declarations. */
function sources(value) {
  if (typeof value === 'string') return value.endsWith('.ts') && !value.endsWith('.d.ts') ? [value] : [];
  return Object.entries(value ?? {}).flatMap(([k, v]) => (k === 'types' ? [] : sources(v)));
}
/** The `require` targets under `value` (dist/cjs/<path>.cjs), as the sources they are built from. */
function requires(value) {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'require' && typeof v === 'string'
      ? [v.replace(/^\.\/dist\/cjs\//, 'src/').replace(/\.cjs$/, '.ts')]
      : requires(v),
  );
}

const esm = new Set();
const cjs = new Set();
for (const target of Object.values(pkg.exports ?? {})) {
  if (typeof target !== 'object' || !target[SOURCE]) continue;
  for (const file of sources(target[SOURCE])) esm.add(file);
  for (const file of requires(target)) cjs.add(file);
}
for (const file of pkg.ganforgeBuild?.entries ?? []) esm.add(file);
if (esm.size === 0) throw new Error(`${pkg.name}: no "${SOURCE}" entries in package.json exports`);
const named = (files) =>
  Object.fromEntries([...files].map((f) => [relative('src', f).replace(/\.ts$/, ''), f]));

rmSync(dist, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  packages: 'external',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: named(esm),
  outdir: join(dist, 'esm'),
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
if (cjs.size) {
  await build({
    ...common,
    entryPoints: named(cjs),
    outdir: join(dist, 'cjs'),
    format: 'cjs',
    platform: 'node',
    outExtension: { '.js': '.cjs' },
  });
}

// Declarations: tsc writes them with the sources' extensionless specifiers, which `moduleResolution`
// node16/nodenext consumers cannot follow, so each relative specifier gets its file name written out.
const types = join(dist, 'types');
const tsc = spawnSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const file of readdirSync(types, { recursive: true })) {
  if (!String(file).endsWith('.d.ts')) continue;
  const path = join(types, String(file));
  const text = readFileSync(path, 'utf8').replace(
    /(from\s+|import\()(['"])(\.\.?\/[^'"]*)\2/g,
    (all, head, q, spec) => {
      if (/\.js$/.test(spec)) return all;
      const target = join(dirname(path), spec);
      const full = existsSync(`${target}.d.ts`)
        ? `${spec}.js`
        : existsSync(join(target, 'index.d.ts'))
          ? `${spec}/index.js`
          : spec;
      return `${head}${q}${full}${q}`;
    },
  );
  writeFileSync(path, text);
}
