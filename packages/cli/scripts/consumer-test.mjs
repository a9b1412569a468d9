// Consumer check of the whole product: packs every package, installs the tarballs into a fresh folder
// outside the workspace like a user would (npm, offline, ONNXRUNTIME_NODE_INSTALL=skip), then there:
// - the installed `ganforge` bin, with plain Node and no tsx anywhere in the app, trains the tiny preset,
//   exports its generator to ONNX and samples a grid from it;
// - the app's .npmrc names `script-shell=ganforge-npm-shell` from before the first install, as the
//   README says: the install runs its dependencies' install scripts through it, and `npx export
//   generator --run …` then exports (under plain sh it is the shell's builtin, which fails);
// - `node -e "import('@ganforge/inference')"` works;
// - a TypeScript consumer type-checks against the published types (moduleResolution node16 and bundler);
// - a minimal Vite app (scripts/vite-app.mjs) bundles the SDK's browser entry with the SDK's Vite plugin
//   and, in headless Chromium, samples the SDK's committed fixture model with the same pixels as Node;
// and it prints what a user pays: tarball sizes, install time, the SDK's browser bundle (onnxruntime-web
// left out), the Vite app's JavaScript and the Node entry's import time. Needs the builds (nx run cli:consumer-test builds them).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import {
  freshFolder,
  install,
  pack,
  run,
  typecheckEntries,
  userEnv,
  workspace,
} from '../../../tools/consumer.mjs';
import { viteApp } from './vite-app.mjs';

const FOLDERS = ['contracts', 'inference', 'trainer', 'exporter', 'cli'].map((p) => `packages/${p}`);
for (const folder of FOLDERS) {
  if (!existsSync(join(workspace, folder, 'dist', 'esm'))) {
    console.error(
      `consumer-test: ${folder}/dist is missing; run \`npx nx run cli:consumer-test\` (it builds them)`,
    );
    process.exit(1);
  }
}

const app = freshFolder('ganforge-cli-consumer-');
const check = (ok, what) => {
  if (!ok) throw new Error(`consumer-test: ${what}`);
};
try {
  const tarballs = pack(FOLDERS, app);
  for (const t of Object.values(tarballs)) {
    console.log(
      `tarball ${t.file}: ${(t.size / 1024).toFixed(1)} KiB packed, ${(t.unpacked / 1024).toFixed(1)} KiB unpacked, ${t.files.length} files`,
    );
  }
  // The README's line for `npx export generator`, there before the first install: the dependencies'
  // install scripts (onnxruntime-node's, protobufjs') run through that shell too.
  writeFileSync(join(app, '.npmrc'), 'script-shell=ganforge-npm-shell\n');
  // The Vite app's tools at the versions the SDK's own browser test uses (the workspace lockfile's).
  const { devDependencies: sdkDev, peerDependencies: sdkPeers } = tarballs['@ganforge/inference'].pkg;
  const seconds = install(
    app,
    {
      '@ganforge/cli': '*',
      '@ganforge/inference': '*',
      // The browser runtime, an optional peer of the SDK, for the Vite app (the trainer brings onnxruntime-node).
      'onnxruntime-web': sdkPeers['onnxruntime-web'],
      typescript: '5.9',
      '@types/node': '^20.19.43',
      vite: sdkDev.vite,
      'playwright-core': sdkDev['playwright-core'],
    },
    tarballs,
  );
  console.log(`install: npm ci --offline of the app took ${seconds.toFixed(1)} s`);
  check(
    !existsSync(join(app, 'node_modules', 'tsx')),
    'tsx got installed: the packages must not need it at run time',
  );

  // The installed bin, as `npx ganforge` runs it: node_modules/.bin/ganforge with plain node.
  const ganforge = (...args) =>
    run(process.execPath, [join(app, 'node_modules', '.bin', 'ganforge'), ...args], app);
  const trained = ganforge('train', '--preset=tiny', '--out=runs/tiny', '--quiet');
  check(/done: \d+ epochs/.test(trained), `train printed no result:\n${trained}`);
  const exported = ganforge('export', 'generator', '--run', 'runs/tiny');
  check(/wrote: +.*generator\.onnx/.test(exported), `export printed no output path:\n${exported}`);
  const card = JSON.parse(readFileSync(join(app, 'runs/tiny/model-card.json'), 'utf8'));
  check(card.preset === 'tiny' && card.export?.maxAbsDiff < 1e-4, 'the model card lacks its export section');
  const sampled = ganforge(
    'sample',
    '--model',
    'runs/tiny/generator.onnx',
    '--count',
    '16',
    '--out',
    'grid.png',
  );
  const png = readFileSync(join(app, 'grid.png'));
  check(png.subarray(1, 4).toString() === 'PNG', `sample wrote no PNG (${sampled})`);
  console.log(`ganforge train --preset=tiny, export generator, sample: ok (${sampled.trim()})`);

  checkNpxExport(app);

  run(process.execPath, ['-e', "import('@ganforge/inference')"], app);
  console.log(`node -e "import('@ganforge/inference')": ok`);
  // The Node entry's import time, without Node's own start-up.
  const importMs = run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      // A string, not a number: with FORCE_COLOR (Nx sets it) Node colours a logged number.
      "const t = performance.now(); await import('@ganforge/inference'); console.log(String(performance.now() - t));",
    ],
    app,
  );
  console.log(`SDK Node entry import time: ${Number(importMs.trim().split('\n').at(-1)).toFixed(0)} ms`);

  typecheck(app);
  typecheckEntries(app);
  console.log(
    'TypeScript consumers of the SDK: a Node-only project (no DOM lib) and a browser project type-check',
  );

  // The SDK's browser bundle as an app's bundler makes it, onnxruntime-web (the user's runtime) left out.
  const bundle = await build({
    stdin: { contents: "export { loadGenerator } from '@ganforge/inference';", resolveDir: app },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['onnxruntime-web'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = bundle.outputFiles[0].contents.byteLength;
  const inputs = Object.keys(bundle.metafile.inputs);
  check(
    !inputs.some((i) => /node_modules\/(sharp|onnxruntime-node|@tensorflow)/.test(i)),
    `browser bundle pulls in ${inputs.join(', ')}`,
  );
  console.log(
    `SDK browser bundle (minified, onnxruntime-web external): ${(bytes / 1024).toFixed(1)} KiB from ${inputs.length} modules`,
  );

  const web = viteApp(app, join(workspace, 'packages', 'inference', 'fixtures', 'rgb-4x4.onnx'));
  const kib = (n) => (n / 1024).toFixed(1);
  console.log(
    `Vite app (SDK browser entry + ganforgeOrt plugin): vite build ${web.buildSeconds.toFixed(1)} s, ` +
      `JS ${kib(web.bytes)} KiB (${kib(web.gzipped)} KiB gzipped, onnxruntime-web's JS included) in ${web.jsFiles} file(s), ` +
      `plus ort/ runtime (${(web.wasmBytes / 1024 / 1024).toFixed(1)} MiB wasm)`,
  );
  console.log(
    `Vite app in headless Chromium: ${web.pixels} pixel values, worst difference from Node ${web.worst.toExponential(1)}, ` +
      `canvas matches (${web.browserSeconds.toFixed(1)} s)`,
  );
} finally {
  rmSync(app, { recursive: true, force: true });
}

/**
 * `npx export generator` as the README describes it: with the .npmrc line it exports; with plain sh
 * (the default script-shell) the shell's builtin `export` runs and fails on `--run`, exit 2.
 */
function checkNpxExport(dir) {
  rmSync(join(dir, 'runs/tiny/generator.onnx'));
  const out = run('npx', ['export', 'generator', '--run', 'runs/tiny'], dir);
  check(/wrote: +.*generator\.onnx/.test(out), `npx export generator wrote nothing:\n${out}`);
  check(existsSync(join(dir, 'runs/tiny/generator.onnx')), 'npx export generator wrote no generator.onnx');
  const plain = spawnSync('npx', ['--script-shell=sh', 'export', 'generator', '--run', 'runs/tiny'], {
    cwd: dir,
    env: userEnv(),
    encoding: 'utf8',
  });
  check(
    plain.status === 2 && /export: --run: bad variable name/.test(plain.stderr),
    `under plain sh, npx export generator --run exited ${plain.status}: ${plain.stderr}`,
  );
  console.log(
    'npx export generator --run (script-shell=ganforge-npm-shell in .npmrc): ok; under plain sh: exit 2, as the README says',
  );
}

/** A TypeScript app using the packages' types, checked with moduleResolution node16 and bundler. */
function typecheck(dir) {
  const src = join(dir, 'ts');
  mkdirSync(src);
  writeFileSync(
    join(src, 'app.ts'),
    `import { loadGenerator, type Generator, type SampleResult } from '@ganforge/inference';
import { META } from '@ganforge/inference/onnx';
import { RunDir, type ModelCard } from '@ganforge/contracts';
import { DEFAULT_OPSET } from '@ganforge/contracts/onnx';
import { serveStatic, type StaticServer } from '@ganforge/inference/testing';

export async function firstPixels(path: string): Promise<number> {
  const g: Generator = await loadGenerator(path);
  const r: SampleResult = await g.sample({ count: 1, seed: 1 });
  await g.dispose();
  const card: ModelCard = new RunDir('runs/tiny').readModelCard();
  const opset: number = DEFAULT_OPSET;
  return (r.kind === 'image' ? r.pixels.length : r.points.length) + card.latentDim + opset + META.kind.length;
}

export async function serveApp(dir: string): Promise<string> {
  const server: StaticServer = await serveStatic(dir, { types: { '.onnx': 'application/octet-stream' } });
  await server.close();
  return server.url;
}
`,
  );
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const [module, resolution] of [
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ]) {
    writeFileSync(
      join(src, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module,
          moduleResolution: resolution,
          target: 'es2022',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], src);
    console.log(`TypeScript consumer (moduleResolution ${resolution}): type-checks`);
  }
}
