// Builds the package to dist/: one ESM file per entry (Node, browser, onnx, vite, cli) and a CommonJS copy
// of the Node entry for `require`. esbuild bundles each entry's own modules (the sources import each other
// without extensions, which plain Node cannot resolve) and leaves every dependency external; the .d.ts
// files come from tsc (tsconfig.build.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(join(dist, 'esm'), { recursive: true, force: true });
rmSync(join(dist, 'cjs'), { recursive: true, force: true });

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
  entryPoints: {
    node: 'src/node.ts',
    browser: 'src/browser.ts',
    'onnx/index': 'src/onnx/index.ts',
    vite: 'src/vite.ts',
    cli: 'src/cli.ts',
  },
  outdir: join(dist, 'esm'),
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.js' },
});

await build({
  ...common,
  entryPoints: { node: 'src/node.ts', 'onnx/index': 'src/onnx/index.ts' },
  outdir: join(dist, 'cjs'),
  format: 'cjs',
  platform: 'node',
  outExtension: { '.js': '.cjs' },
});

// Declarations: tsc writes them with the sources' extensionless specifiers, which `moduleResolution`
// node16/nodenext consumers cannot follow, so each relative specifier gets its file name written out.
const types = join(dist, 'types');
rmSync(types, { recursive: true, force: true });
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
