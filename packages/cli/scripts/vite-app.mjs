// The browser half of the consumer check: in the consumer's folder (where the tarballs, vite and
// playwright-core are installed), a minimal Vite app imports '@ganforge/inference' (its browser entry) and
// the SDK's own Vite plugin, `vite build` bundles it, a small static server serves dist/, and Debian's
// headless Chromium (driven by playwright-core) opens the page, which samples an ONNX model and draws the
// first image on a canvas. The pixels (and the canvas) must match what the Node SDK gives for the same
// seed. Everything runs from the consumer's node_modules with plain Node, as a user's app would; the page
// is served and driven by the SDK's testing subpath ('@ganforge/inference/testing').
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from '../../../tools/consumer.mjs';

const COUNT = 3;
const SEED = 11;

const CONFIG = `import { defineConfig } from 'vite';
import { ganforgeOrt } from '@ganforge/inference/vite';

export default defineConfig({ base: './', plugins: [ganforgeOrt()], logLevel: 'warn' });
`;

const HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>GANForge consumer</title></head>
  <body>
    <canvas id="out"></canvas>
    <script type="module" src="./main.js"></script>
  </body>
</html>
`;

const MAIN = `import { loadGenerator, drawToCanvas } from '@ganforge/inference';

async function main() {
  const g = await loadGenerator(new URL('g.onnx', document.baseURI).href, {
    wasmPaths: new URL('ort/', document.baseURI).href,
  });
  const r = await g.sample({ count: ${COUNT}, seed: ${SEED} });
  await g.dispose();
  const canvas = document.getElementById('out');
  drawToCanvas(r, canvas);
  const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return { kind: r.kind, width: r.width, height: r.height, channels: r.channels,
    pixels: Array.from(r.pixels), rgba: Array.from(rgba) };
}
main().then(
  (result) => { window.ganforgeResult = result; },
  (e) => { window.ganforgeResult = { error: String(e && e.stack || e) }; },
);
`;

// Serves dist/ and opens it in headless Chromium with the SDK's testing helpers (the
// '@ganforge/inference/testing' subpath, on the installed playwright-core); prints what the page computed.
const BROWSE = `import { join } from 'node:path';
import { launchChromium, serveStatic } from '@ganforge/inference/testing';

const server = await serveStatic(join(process.cwd(), 'dist'));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => window.ganforgeResult !== undefined, undefined, { timeout: 60000 });
  const result = await page.evaluate(() => window.ganforgeResult);
  console.log(JSON.stringify({ ...result, errors }));
} finally {
  await browser.close();
  await server.close();
}
`;

// The Node SDK on the same model and seed.
const NODE = `import { loadGenerator } from '@ganforge/inference';
const g = await loadGenerator('web/public/g.onnx');
const r = await g.sample({ count: ${COUNT}, seed: ${SEED} });
await g.dispose();
console.log(JSON.stringify({ kind: r.kind, width: r.width, height: r.height, channels: r.channels,
  pixels: Array.from(r.pixels) }));
`;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * Builds and runs the Vite app in `app` (an installed consumer folder) on `model` (an ONNX image
 * generator); throws when the page fails or its pixels differ from Node's. Returns the bundle figures.
 */
export function viteApp(app, model) {
  const web = join(app, 'web');
  mkdirSync(join(web, 'public'), { recursive: true });
  writeFileSync(join(web, 'vite.config.mjs'), CONFIG);
  writeFileSync(join(web, 'index.html'), HTML);
  writeFileSync(join(web, 'main.js'), MAIN);
  writeFileSync(join(web, 'browse.mjs'), BROWSE);
  writeFileSync(join(app, 'node-sample.mjs'), NODE);
  copyFileSync(model, join(web, 'public', 'g.onnx'));

  const t0 = performance.now();
  run(process.execPath, [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], web);
  const buildSeconds = (performance.now() - t0) / 1000;
  const dist = join(web, 'dist');
  const files = filesUnder(dist).map((f) => relative(dist, f).split('\\').join('/'));
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  if (wasm.join() !== 'ort/ort-wasm-simd-threaded.wasm') {
    throw new Error(`vite app: expected the plugin's one wasm file under ort/, got ${wasm.join(', ')}`);
  }
  if (!files.includes('ort/ort-wasm-simd-threaded.mjs'))
    throw new Error('vite app: ort/ lacks the wasm glue');
  // The app's own JavaScript: the SDK's browser entry and onnxruntime-web's JS, not the runtime files in ort/.
  const js = files.filter((f) => f.startsWith('assets/') && f.endsWith('.js'));
  const code = js.map((f) => readFileSync(join(dist, f)));
  const bytes = code.reduce((s, c) => s + c.byteLength, 0);
  const gzipped = code.reduce((s, c) => s + gzipSync(c, { level: 9 }).byteLength, 0);
  const all = code.map((c) => c.toString('utf8')).join('\n');
  for (const banned of ['onnxruntime-node', 'sharp', 'node:fs', '@tensorflow']) {
    if (all.includes(banned)) throw new Error(`vite app: the bundle holds ${banned}`);
  }
  const wasmBytes = statSync(join(dist, 'ort', 'ort-wasm-simd-threaded.wasm')).size;

  const t1 = performance.now();
  const page = JSON.parse(run(process.execPath, ['browse.mjs'], web).trim().split('\n').at(-1));
  const browserSeconds = (performance.now() - t1) / 1000;
  if (page.error || page.errors.length) {
    throw new Error(`vite app: the page failed: ${page.error ?? page.errors.join('; ')}`);
  }
  const node = JSON.parse(run(process.execPath, ['node-sample.mjs'], app).trim().split('\n').at(-1));
  const same = ['kind', 'width', 'height', 'channels'].every((k) => page[k] === node[k]);
  if (!same || page.pixels.length !== node.pixels.length || page.pixels.length === 0) {
    throw new Error(
      `vite app: the page's result ${JSON.stringify({ ...page, pixels: page.pixels.length, rgba: undefined })} is not Node's`,
    );
  }
  let worst = 0;
  page.pixels.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - node.pixels[i]))));
  if (!(worst < 1e-4)) throw new Error(`vite app: pixels differ from Node's by up to ${worst}`);
  // The canvas holds the first image as 8-bit RGBA (pixels are H,W,C; grey is replicated).
  const { width, height, channels } = node;
  const plane = width * height;
  let worstRgba = 0;
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      const v = node.pixels[p * channels + (channels >= 3 ? k : 0)];
      worstRgba = Math.max(worstRgba, Math.abs(page.rgba[p * 4 + k] - Math.round(v * 255)));
    }
  }
  if (page.rgba.length !== plane * 4 || worstRgba > 1) {
    throw new Error(`vite app: the canvas differs from Node's first image by up to ${worstRgba} levels`);
  }
  return {
    buildSeconds,
    browserSeconds,
    jsFiles: js.length,
    bytes,
    gzipped,
    wasmBytes,
    worst,
    pixels: page.pixels.length,
  };
}
