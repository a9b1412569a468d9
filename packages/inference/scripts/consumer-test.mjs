// Consumer check of the SDK: packs it (and @ganforge/contracts, which it depends on), installs the
// tarballs into a fresh folder outside the workspace the way a Node app would (npm, offline,
// ONNXRUNTIME_NODE_INSTALL=skip, with onnxruntime-node, the Node runtime the SDK takes as an optional
// peer, and without onnxruntime-web), and runs plain `node` there: an ESM import and a CommonJS require
// each load the committed fixtures/rgb-4x4.onnx, sample it and compare the pixels with
// fixtures/rgb-4x4.expected.json. Needs the builds first (nx run inference:consumer-test builds them).
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshFolder, install, pack, run } from '../../../tools/consumer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const expected = JSON.parse(readFileSync(join(root, 'fixtures', 'rgb-4x4.expected.json'), 'utf8'));
if (!existsSync(join(root, 'dist', 'esm', 'node.js'))) {
  console.error('consumer-test: dist/ is missing; run `npx nx run inference:build` first');
  process.exit(1);
}

const app = freshFolder('ganforge-consumer-');
try {
  const tarballs = pack(['packages/contracts', 'packages/inference'], app);
  for (const t of Object.values(tarballs))
    console.log(`packed ${t.file}: ${t.files.length} files, ${t.size} bytes`);
  const { peerDependencies } = tarballs['@ganforge/inference'].pkg;
  install(
    app,
    { '@ganforge/inference': '*', 'onnxruntime-node': peerDependencies['onnxruntime-node'] },
    tarballs,
  );
  if (existsSync(join(app, 'node_modules', 'onnxruntime-web'))) {
    throw new Error('installing the SDK for Node pulled in onnxruntime-web, the browser runtime');
  }
  copyFileSync(join(root, 'fixtures', 'rgb-4x4.onnx'), join(app, 'g.onnx'));

  const body = `
    const g = await loadGenerator('g.onnx');
    const r = await g.sample({ count: ${expected.count}, seed: ${expected.seed} });
    await g.dispose();
    console.log(JSON.stringify({ n: r.pixels.length, first: Array.from(r.pixels.subarray(0, ${expected.first.length})) }));`;
  writeFileSync(join(app, 'app.mjs'), `import { loadGenerator } from '@ganforge/inference';\n${body}\n`);
  writeFileSync(
    join(app, 'app.cjs'),
    `const { loadGenerator } = require('@ganforge/inference');\n(async () => {${body}\n})();\n`,
  );
  for (const script of ['app.mjs', 'app.cjs']) {
    const out = JSON.parse(run(process.execPath, [script], app));
    const worst = Math.max(...out.first.map((v, i) => Math.abs(v - expected.first[i])));
    if (out.n !== expected.shape[0] || !(worst < 1e-6)) {
      throw new Error(`${script}: got ${JSON.stringify(out)}, expected ${JSON.stringify(expected)}`);
    }
    console.log(`node ${script}: ${out.n} values, worst difference ${worst.toExponential(1)}`);
  }
  const resolved = run(process.execPath, ['-p', `require.resolve('@ganforge/inference')`], app).trim();
  console.log(`resolved to ${resolved.replace(app, '<app>')}`);
} finally {
  rmSync(app, { recursive: true, force: true });
}
