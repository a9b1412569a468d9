/**
 * The browser side, for real: a tiny app importing `@ganforge/inference` is built with Vite (the
 * package's "browser" condition), served locally and run in headless Chromium. Its bundle must hold
 * onnxruntime-web and nothing of Node, and the same seed must give bit-identical latents and the same
 * pixels (within 1e-4) as onnxruntime-node.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGenerator, makeGrid } from './node';
import type { SampleOptions } from './node';
import { labelModel, rgbModel, torchModel } from './testing/models';
import { launchChromium, serveStatic } from './testing';
import type { StaticServer } from './testing';
import type { PageRun } from './testing/browser-page/main';
import { ganforgeOrt } from './vite';

const here = dirname(fileURLToPath(import.meta.url));
const MODELS = {
  'rgb.onnx': rgbModel().bytes,
  'torch.onnx': torchModel().bytes,
  'label.onnx': labelModel().bytes,
};

let out: string;
let server: StaticServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ganforge-inference-web-'));
  await build({
    configFile: false,
    root: join(here, 'testing', 'browser-page'),
    base: './',
    logLevel: 'error',
    plugins: [ganforgeOrt()],
    // The page imports the SDK by name; in the workspace that is its sources.
    resolve: { conditions: ['@ganforge/source', ...defaultClientConditions] },
    build: { outDir: out, emptyOutDir: true, target: 'es2022' },
  });
  server = await serveStatic(out, { files: MODELS });
  browser = await launchChromium();
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => window.ganforgeReady === true, undefined, { timeout: 30_000 });
  expect(errors).toEqual([]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('Vite build of an app importing @ganforge/inference', () => {
  it('bundles onnxruntime-web, nothing of Node, and serves the wasm from the app', async () => {
    const all = await files(out);
    const names = all.map((f) => f.slice(out.length + 1)).sort();
    expect(names).toContain('ort/ort-wasm-simd-threaded.wasm');
    expect(names).toContain('ort/ort-wasm-simd-threaded.mjs');
    expect(names.filter((n) => n.endsWith('.wasm'))).toEqual(['ort/ort-wasm-simd-threaded.wasm']);
    const js = all.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const code = (await Promise.all(js.map((f) => readFile(f, 'utf8')))).join('\n');
    // onnxruntime-web's session code and the SDK's browser entry are in; Node's runtime is not.
    expect(code).toContain('wasmPaths');
    expect(code).toContain('toImageData needs an image result');
    const nodeOnly = [
      'onnxruntime-node',
      'onnxruntime_binding',
      'sharp',
      'node:fs',
      'node:path',
      'node:child',
    ];
    for (const banned of nodeOnly) {
      expect(code, banned).not.toContain(banned);
    }
    expect(code).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs/);
  });
});

describe('same seed in Node and in Chromium', () => {
  const cases: [keyof typeof MODELS, SampleOptions][] = [
    ['rgb.onnx', { count: 6, seed: 7 }],
    ['rgb.onnx', { count: 3, seed: 2 ** 40 + 5, truncation: 0.8 }],
    ['torch.onnx', { count: 4, seed: 123456789 }],
    ['label.onnx', { count: 3, seed: 0, labels: [2, 0, 1] }],
  ];
  it.each(cases)(
    '%s %o: bit-identical latents, pixels within 1e-4',
    async (model, opts) => {
      const web: PageRun = await page.evaluate(([m, o]) => window.ganforgeRun(m, o), [model, opts] as const);
      const g = await loadGenerator(MODELS[model]);
      const node = await g.sample(opts);
      await g.dispose();
      if (node.kind !== 'image') throw new Error('expected an image generator');
      expect(web.info).toEqual({ latentDim: g.info.latentDim, kind: 'image' });
      // Bit for bit: compare the float32 bit patterns.
      const webLatents = new Float32Array(web.latents);
      expect(new Uint32Array(webLatents.buffer)).toEqual(new Uint32Array(node.latents.slice().buffer));
      expect(web.pixels).toHaveLength(node.pixels.length);
      let worst = 0;
      web.pixels.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - node.pixels[i]!))));
      expect(worst).toBeLessThan(1e-4);
      // The grid matches Node's makeGrid (8-bit, grey replicated to RGB, alpha 255) within one level.
      const grid = makeGrid(node, { columns: 2, padding: 1 });
      expect([web.grid.width, web.grid.height]).toEqual([grid.width, grid.height]);
      let worstGrid = 0;
      for (let p = 0; p < grid.width * grid.height; p++) {
        for (let k = 0; k < 3; k++) {
          const v = grid.data[p * grid.channels + (grid.channels >= 3 ? k : 0)]!;
          worstGrid = Math.max(worstGrid, Math.abs(web.grid.data[p * 4 + k]! - v));
        }
        expect(web.grid.data[p * 4 + 3]).toBe(255);
      }
      expect(worstGrid).toBeLessThanOrEqual(1);
      // What the page drew on its canvas is the first image, as 8-bit RGBA.
      const { width, height, channels } = node;
      expect(web.rgba).toHaveLength(width * height * 4);
      for (let p = 0; p < width * height; p++) {
        const r = Math.round(node.pixels[p * channels]! * 255);
        expect(Math.abs(web.rgba[p * 4]! - r)).toBeLessThanOrEqual(1);
        expect(web.rgba[p * 4 + 3]).toBe(255);
      }
    },
    60_000,
  );

  it('falls back from WebGPU to wasm in the wasm-only build, and says why WebGPU alone fails', async () => {
    const run = (load: object) =>
      page.evaluate(
        async ([l]) => {
          try {
            return (await window.ganforgeRun('rgb.onnx', { count: 2, seed: 3 }, l)).provider;
          } catch (e) {
            return `${(e as Error).name}: ${(e as Error).message}`;
          }
        },
        [load] as const,
      );
    expect(await run({ executionProviders: ['webgpu', 'wasm'] })).toBe('wasm');
    expect(await run({})).toBe('wasm');
    expect(await run({ executionProviders: ['webgpu'] })).toMatch(
      /^OnnxModelLoadError: the 'webgpu' execution provider could not start \(.*backend not found.*\): this onnxruntime-web build has none \(import onnxruntime-web\/webgpu; with Vite, ganforgeOrt\(\{ webgpu: true \}\)\); pass executionProviders: \['webgpu', 'wasm'\] to fall back to the wasm runtime$/,
    );
  }, 30_000);

  it('refuses a second, different wasmPaths instead of ignoring it', async () => {
    const message = await page.evaluate(async () => {
      try {
        await window.ganforgeRun('rgb.onnx', { count: 1 }, { wasmPaths: 'https://cdn.example/ort/' });
        return 'loaded';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    expect(message).toMatch(
      /^InvalidArgumentError: wasmPaths 'https:\/\/cdn\.example\/ort\/' differs from 'http:\/\/127\.0\.0\.1:\d+\/ort\/', which onnxruntime-web already uses on this page: it loads one runtime per page \(or worker\), so pass the same wasmPaths to every loadGenerator, or leave it out after the first$/,
    );
  }, 30_000);

  it('reports a model URL that 404s as a typed error in the page', async () => {
    const message = await page.evaluate(async () => {
      try {
        await window.ganforgeRun('missing.onnx', { count: 1 });
        return 'loaded';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    expect(message).toMatch(
      /^OnnxModelLoadError: could not fetch model .*missing\.onnx: HTTP 404.*check the URL$/,
    );
  }, 30_000);
});
