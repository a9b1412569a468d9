/**
 * WebGPU in the browser: the same tiny app built with `ganforgeOrt({ webgpu: true })` bundles
 * onnxruntime-web's WebGPU build (and serves its asyncify .wasm), and loads with
 * `executionProviders: ['webgpu', 'wasm']`. In headless Chromium with a WebGPU adapter (SwiftShader, a
 * Vulkan on the CPU: --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader) the model runs on WebGPU
 * and gives Node's pixels within WEBGPU_TOLERANCE; in a Chromium without one it falls back to wasm.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGenerator } from './node';
import type { SampleOptions } from './node';
import { rgbModel, torchModel } from './testing/models';
import { launchChromium, serveStatic, WEBGPU_SOFTWARE_ARGS } from './testing';
import type { StaticServer } from './testing';
import type { PageRun } from './testing/browser-page/main';
import { ganforgeOrt, ORT_WEBGPU_FILES } from './vite';

const here = dirname(fileURLToPath(import.meta.url));
const MODELS = { 'rgb.onnx': rgbModel().bytes, 'torch.onnx': torchModel().bytes };
/** Largest difference allowed between WebGPU's and Node's CPU pixels (in [0, 1]; 8-bit is 0.004). */
const WEBGPU_TOLERANCE = 1e-4;

let out: string;
let server: StaticServer;
const browsers: Browser[] = [];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ganforge-inference-webgpu-'));
  await build({
    configFile: false,
    root: join(here, 'testing', 'browser-page'),
    base: './',
    logLevel: 'error',
    plugins: [ganforgeOrt({ webgpu: true })],
    resolve: { conditions: ['@ganforge/source', ...defaultClientConditions] },
    build: { outDir: out, emptyOutDir: true, target: 'es2022' },
  });
  server = await serveStatic(out, { files: MODELS });
}, 180_000);

afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

/** Opens the built page in a Chromium started with `args` and runs one model there. */
async function runIn(args: string[], model: keyof typeof MODELS, opts: SampleOptions): Promise<PageRun> {
  const browser = await launchChromium({ args });
  browsers.push(browser);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => window.ganforgeReady === true, undefined, { timeout: 30_000 });
  const run = await page.evaluate(
    ([m, o]) => window.ganforgeRun(m, o, { executionProviders: ['webgpu', 'wasm'] }),
    [model, opts] as const,
  );
  expect(errors).toEqual([]);
  return run;
}

describe('the WebGPU build (ganforgeOrt({ webgpu: true }))', () => {
  it('bundles the WebGPU build and serves its asyncify runtime under ort/', async () => {
    const entries = await readdir(out, { recursive: true, withFileTypes: true });
    const names = entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(out.length + 1));
    expect(names.filter((n) => n.endsWith('.wasm'))).toEqual([`ort/${ORT_WEBGPU_FILES[0]}`]);
    expect(names).toContain(`ort/${ORT_WEBGPU_FILES[1]}`);
    const js = names.filter((n) => n.startsWith('assets/') && n.endsWith('.js'));
    const code = (await Promise.all(js.map((f) => readFile(join(out, f), 'utf8')))).join('\n');
    expect(code).toContain('ort-wasm-simd-threaded.asyncify.mjs');
  });

  it.each([
    ['rgb.onnx', { count: 3, seed: 4 }],
    ['torch.onnx', { count: 2, seed: 9 }],
  ] as const)(
    "%s runs on WebGPU where Chromium has an adapter, with Node's pixels",
    async (model, opts) => {
      const web = await runIn([...WEBGPU_SOFTWARE_ARGS], model, opts);
      expect(web.provider).toBe('webgpu');
      const g = await loadGenerator(MODELS[model]);
      const node = await g.sample(opts);
      await g.dispose();
      if (node.kind !== 'image') throw new Error('expected an image generator');
      expect(web.pixels).toHaveLength(node.pixels.length);
      const worst = web.pixels.reduce((m, v, i) => Math.max(m, Math.abs(v - node.pixels[i]!)), 0);
      expect(worst).toBeLessThan(WEBGPU_TOLERANCE);
    },
    60_000,
  );

  it('falls back to wasm in a Chromium without an adapter', async () => {
    const web = await runIn([], 'rgb.onnx', { count: 2, seed: 1 });
    expect(web.provider).toBe('wasm');
  }, 60_000);
});
