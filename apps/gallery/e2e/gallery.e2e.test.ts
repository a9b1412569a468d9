/**
 * Builds the site against fixture runs, serves dist/ and drives it in headless Chromium: the index lists
 * the runs, the model pages generate in a worker, the seed lives in the URL and reproduces the pixels.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../scripts/build-manifest';
import { IMAGE_RUN, POINTS_RUN, writeFixtureRuns } from './fixture';
import { serveStatic, type StaticServer } from './static-server';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface CanvasPixels {
  width: number;
  height: number;
  /** RGBA bytes as a plain array (evaluate() results must be JSON-like). */
  data: number[];
}

async function waitForOutput(page: Page, seed: number): Promise<CanvasPixels> {
  await page.waitForSelector(`canvas.output[data-state="ready"][data-seed="${seed}"]`, { timeout: 60_000 });
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.output');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) throw new Error('no output canvas');
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return { width: img.width, height: img.height, data: Array.from(img.data) };
  });
}

/** Number of pixels that are not (near) white, and of those, how many are orange-ish and blue-ish. */
function colourCounts(p: CanvasPixels): { inked: number; orange: number; blue: number } {
  let inked = 0;
  let orange = 0;
  let blue = 0;
  for (let i = 0; i < p.data.length; i += 4) {
    const [r, g, b] = [p.data[i] ?? 0, p.data[i + 1] ?? 0, p.data[i + 2] ?? 0];
    if (r < 240 || g < 240 || b < 240) inked++;
    if (r > 200 && g > 100 && g < 200 && b < 120) orange++;
    if (b > 150 && r < 120) blue++;
  }
  return { inked, orange, blue };
}

describe('gallery in Chromium', () => {
  let tmp: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'gallery-e2e-'));
    const runs = await writeFixtureRuns(join(tmp, 'runs'));
    // The fixture generators must be real ONNX: ask the reference checker.
    for (const run of [runs.points, runs.image]) {
      const check = spawnSync(
        '/usr/bin/python3',
        ['-c', 'import onnx,sys; onnx.checker.check_model(sys.argv[1])', run.onnxPath],
        {
          encoding: 'utf8',
        },
      );
      expect(check.status, check.stderr).toBe(0);
    }
    buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
    await build({
      root: appDir,
      configFile: join(appDir, 'vite.config.ts'),
      publicDir: join(tmp, 'public'),
      logLevel: 'warn',
      build: { outDir: join(tmp, 'dist'), emptyOutDir: true },
    });
    server = await serveStatic(join(tmp, 'dist'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
    const record = (where: string) => (msg: { type(): string; text(): string }) => {
      if (msg.type() === 'error') consoleErrors.push(`${where}: ${msg.text()}`);
    };
    page.on('console', record('page'));
    page.on('worker', (w) => w.on('console', record('worker')));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the runs on the index', async () => {
    await page.goto(server.url);
    const card = page.locator(`li[data-run="${POINTS_RUN}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('gaussian2d');
    expect(await page.locator(`li[data-run="${IMAGE_RUN}"]`).textContent()).toContain('dcgan28');
    expect(await page.locator(`li[data-run="${POINTS_RUN}"] img.thumb`).count()).toBe(1);
    const indexBytes = [...server.sent.values()].reduce((a, b) => a + b, 0);
    console.log(
      `first visit, index page: ${(indexBytes / 1024).toFixed(1)} KiB in ${server.sent.size} files`,
    );
  });

  it('draws real and generated points, keeps the seed in the URL and reproduces it', async () => {
    await page.locator(`li[data-run="${POINTS_RUN}"] a`).click();
    const first = await waitForOutput(page, 0);
    expect(page.url()).toContain(`#/model/${POINTS_RUN}?seed=0`);
    const counts = colourCounts(first);
    expect(counts.inked).toBeGreaterThan(1000);
    expect(counts.orange).toBeGreaterThan(100);
    expect(counts.blue).toBeGreaterThan(100);

    await page.fill('#seed', '7');
    await page.click('button[type="submit"]');
    const seven = await waitForOutput(page, 7);
    expect(page.url()).toContain(`#/model/${POINTS_RUN}?seed=7`);
    expect(seven.data).not.toEqual(first.data);

    await page.reload();
    const reloaded = await waitForOutput(page, 7);
    expect(reloaded.data).toEqual(seven.data);

    // Loss curves from metrics.json.
    await page.locator('.chart .uplot').first().waitFor();
    expect(await page.locator('.chart .uplot').count()).toBe(2);

    const total = [...server.sent.entries()];
    const bytes = total.reduce((a, [, b]) => a + b, 0);
    console.log(
      `first visit, index + points model page: ${(bytes / 1024 / 1024).toFixed(2)} MiB\n` +
        total.map(([p, b]) => `  ${(b / 1024).toFixed(1).padStart(9)} KiB  ${p}`).join('\n'),
    );
    // Only the plain wasm runtime is fetched (not the 28 MB WebGPU/JSEP one).
    const wasm = total.map(([p]) => p).filter((p) => p.endsWith('.wasm'));
    expect(wasm).toEqual(['/ort/ort-wasm-simd-threaded.wasm']);
  });

  it('draws a grid of 64 images and "New samples" changes them', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=3`);
    const first = await waitForOutput(page, 3);
    // 8 x 8 tiles of 4 x 4 pixels with 1-pixel gaps.
    expect([first.width, first.height]).toEqual([39, 39]);
    expect(colourCounts(first).inked).toBeGreaterThan(500);

    await page.click('#new-samples');
    await page.waitForFunction(() => !location.hash.endsWith('seed=3'));
    const seed = Number(new URL(page.url()).hash.split('seed=')[1]);
    const next = await waitForOutput(page, seed);
    expect(next.data).not.toEqual(first.data);
  });

  it('shows a clear message for an unknown run', async () => {
    await page.goto(`${server.url}#/model/no-such-run`);
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toContain('No run named "no-such-run"');
  });

  it('printed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
