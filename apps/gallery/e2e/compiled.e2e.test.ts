/**
 * Image mode on the compiled step, in headless Chromium, served cross-origin isolated as the gallery's
 * servers serve it: the page says which engine runs and on how many threads; DCGAN-28 trains a few steps
 * with finite losses, a moving step counter and a changing grid; and a run trained on the compiled step
 * keeps everything the playground does with its weights: samples, Export, and Download run, which
 * `ganforge train --resume` continues (on the trainer's compiled step, as its config.json says) along
 * the page's own path. On WebGPU (SwiftShader's adapter: no GPU here) the page trains as it does on the
 * CPU, and auto leaves a software adapter untimed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportGenerator } from '@ganforge/exporter';
import { loadGenerator } from '@ganforge/inference';
import {
  launchChromium,
  serveStatic,
  WEBGPU_SOFTWARE_ARGS,
  type StaticServer,
} from '@ganforge/inference/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../src/playground/main';
import { CONTENT_TYPES } from '../scripts/content-types';
import { CROSS_ORIGIN_ISOLATION } from '../scripts/isolation';
import { buildSite } from './site';

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let tmp: string;
let server: StaticServer;
let browser: Browser;
/** A Chromium with a WebGPU adapter: SwiftShader's, a GPU emulated on the CPU. */
let gpuBrowser: Browser;
const problems: string[] = [];

async function open(hash: string, on: Browser = browser): Promise<Page> {
  const page = await on.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(`${server.url}playground.html${hash}`);
  await page.waitForSelector('#pg-play:not([disabled])', { timeout: 120_000 });
  return page;
}

/** A hash of the generated grid's pixels as drawn. */
const gridPixels = (page: Page) =>
  page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('#pg-image-grid')!;
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    let h = 0;
    for (let i = 0; i < data.length; i++) h = (Math.imul(h, 31) + data[i]!) | 0;
    return h;
  });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ganforge-compiled-'));
  mkdirSync(join(tmp, 'public'));
  const dist = await buildSite(tmp);
  server = await serveStatic(dist, { types: CONTENT_TYPES, headers: CROSS_ORIGIN_ISOLATION });
  browser = await launchChromium();
  gpuBrowser = await launchChromium({ args: [...WEBGPU_SOFTWARE_ARGS] });
});

afterAll(async () => {
  await browser?.close();
  await gpuBrowser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('image mode on the compiled step', () => {
  it('trains DCGAN-28 on onnxruntime-web with a thread per core: finite losses, the counter moves, the grid changes', async () => {
    const page = await open(
      '#mode=images&imageModel=dcgan28&images=500&batchSize=16&seed=2&backend=compiled',
    );
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await page.textContent('#pg-backend')).toBe(
      `Engine: compiled step (onnxruntime-web, ${cores} thread${cores === 1 ? '' : 's'}) (as chosen)`,
    );
    const before = await gridPixels(page);
    const start = await page.evaluate(() => Array.from(window.playground!.snapshot()!.images!));
    const s = await page.evaluate(async () => {
      const snap = await window.playground!.trainUntil(4);
      return { ...snap, images: Array.from(snap.images!) };
    });
    expect(s.step).toBe(4);
    expect(Number.isFinite(s.lossD) && Number.isFinite(s.lossG)).toBe(true);
    expect(s.stepsPerSecond).toBeGreaterThan(0);
    expect(await page.getAttribute('#app', 'data-step')).toBe('4');
    expect(await page.textContent('#pg-status')).toMatch(/^Step 4 · compiled step \(onnxruntime-web/);
    // The grid is drawn from G's weights as the compiled step left them.
    expect(Math.max(...s.images.map((v, i) => Math.abs(v - start[i]!)))).toBeGreaterThan(1e-3);
    expect(await gridPixels(page)).not.toBe(before);
    await page.close();
  });

  it('keeps samples, Export and Download run: the trainer resumes the run along the page’s path', async () => {
    const page = await open(
      '#mode=images&imageModel=mlp&images=500&hiddenG=64&hiddenD=64&latentDim=16&batchSize=16&seed=3&backend=compiled',
    );
    expect(await page.textContent('#pg-backend')).toMatch(/^Engine: compiled step/);
    await page.evaluate(() => window.playground!.trainUntil(40));

    // Export: the ONNX file gives the page's samples (both from G as the compiled step left it).
    const download = page.waitForEvent('download');
    await page.click('#pg-export');
    const file = join(tmp, 'compiled.onnx');
    await (await download).saveAs(file);
    const generator = await loadGenerator(new Uint8Array(readFileSync(file)));
    const latents = generator.latents(9, 32);
    const atStep40 = await page.evaluate((z) => window.playground!.sample(z), Array.from(latents));
    const fromFile = await generator.sample({ count: 32, latents, raw: true });
    if (fromFile.kind !== 'image') throw new Error('expected images');
    const maxDiff = (a: number[], b: ArrayLike<number>) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(maxDiff(atStep40, fromFile.raw!)).toBeLessThan(1e-4);
    await generator.dispose();

    // Download run: weights and optimizer state at step 40 (9 steps into epoch 2); the config names the
    // trainer's default engine, which resumes on its compiled step to the epoch's end (step 62).
    const archive = page.waitForEvent('download');
    await page.click('#pg-download-run');
    const tarFile = join(tmp, 'compiled-run.tar');
    await (await archive).saveAs(tarFile);
    const x = spawnSync('tar', ['-xf', tarFile, '-C', tmp], { encoding: 'utf8' });
    expect(x.status, x.stderr).toBe(0);
    const runDir = join(tmp, 'playground-fashion-mlp-seed3-step40');
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({ engine: 'auto' });
    const resumed = spawnSync(
      join(workspace, 'node_modules/.bin/ganforge'),
      ['train', '--resume', runDir, '--quiet'],
      { cwd: workspace, encoding: 'utf8', timeout: 120_000 },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming after epoch 1, step 40/);
    await page.evaluate(() => window.playground!.trainUntil(62));
    const onPage = await page.evaluate((z) => window.playground!.sample(z), Array.from(latents));
    const fromRun = await loadGenerator(
      new Uint8Array(readFileSync((await exportGenerator({ run: runDir })).file)),
    );
    const out = await fromRun.sample({ count: 32, latents, raw: true });
    if (out.kind !== 'image') throw new Error('expected images');
    expect(maxDiff(atStep40, out.raw!)).toBeGreaterThan(0.01);
    expect(maxDiff(onPage, out.raw!)).toBeLessThan(1e-3);
    await fromRun.dispose();
    await page.close();
    expect(problems).toEqual([]);
  });

  // SwiftShader runs WebGPU on the CPU, far slower than a GPU: small batches, a few steps.
  it.each([
    ['the MLP GAN', 'imageModel=mlp&hiddenG=32&hiddenD=32&latentDim=8&batchSize=8', 3],
    ['DCGAN-28', 'imageModel=dcgan28&batchSize=4', 2],
  ] as const)(
    'trains %s on WebGPU where the browser has an adapter, as it trains on the CPU',
    async (_name, model, steps) => {
      const run = `#mode=images&images=500&seed=4&${model}`;
      const trained = async (page: Page) =>
        page.evaluate(async (n) => {
          const snap = await window.playground!.trainUntil(n);
          return { ...snap, images: Array.from(snap.images!) };
        }, steps);
      const onGpu = await open(`${run}&backend=webgpu`, gpuBrowser);
      expect(await onGpu.textContent('#pg-backend')).toMatch(
        /^Engine: compiled step \(onnxruntime-web, WebGPU: .+, a software adapter\) \(as chosen\)$/,
      );
      const gpu = await trained(onGpu);
      expect(await onGpu.textContent('#pg-status')).toMatch(
        new RegExp(`^Step ${steps} · compiled step \\(onnxruntime-web, WebGPU`),
      );
      await onGpu.close();
      const onCpu = await open(`${run}&backend=compiled`);
      const cpu = await trained(onCpu);
      await onCpu.close();
      expect(gpu.step).toBe(steps);
      // Both compute in float32, in different orders: equal to rounding, not bit for bit.
      expect(Math.abs(gpu.lossD - cpu.lossD)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.lossD)));
      expect(Math.abs(gpu.lossG - cpu.lossG)).toBeLessThan(1e-4 * Math.max(1, Math.abs(cpu.lossG)));
      expect(Math.max(...gpu.images.map((v, i) => Math.abs(v - cpu.images[i]!)))).toBeLessThan(1e-4);
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('says so when WebGPU is asked for in a browser without an adapter', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}playground.html#mode=images&imageModel=mlp&images=500&backend=webgpu`);
    await page.waitForSelector('#pg-error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#pg-error')).toMatch(
      /the engine could not start \(webgpu: this browser offers no WebGPU adapter \(it needs a GPU, and WebGPU enabled\)\): choose another engine/,
    );
    await page.close();
  });

  it('auto leaves a software adapter untimed, and says so', async () => {
    const page = await open(
      '#mode=images&imageModel=mlp&images=500&hiddenG=32&hiddenD=32&latentDim=8&batchSize=8&seed=4',
      gpuBrowser,
    );
    expect(await page.textContent('#pg-backend')).toMatch(
      /picked automatically, the faster here \(compiled [\d.]+ ms\/step, wasm [\d.]+ ms\/step\); webgpu: not timed, the adapter \(.+\) is a software one, slower than the CPU\)$/,
    );
    await page.close();
    expect(problems).toEqual([]);
  });
});
