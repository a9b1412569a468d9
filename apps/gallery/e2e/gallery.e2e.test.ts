/**
 * Builds the site against fixture runs, serves dist/ and drives it in headless Chromium: the index lists
 * the runs, the model pages generate in a worker, the seed lives in the URL and reproduces the pixels.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/** What the output canvas shows: its size, a SHA-256 of its RGBA pixels and colour counts. */
interface CanvasSummary {
  width: number;
  height: number;
  digest: string;
  /** Pixels that are not (near) white, and of those the orange-ish and the blue-ish ones. */
  inked: number;
  orange: number;
  blue: number;
}

// Summarised inside the page: shipping a million numbers out through evaluate() takes seconds.
async function waitForOutput(page: Page, seed: number): Promise<CanvasSummary> {
  await page.waitForSelector(`canvas.output[data-state="ready"][data-seed="${seed}"]`, { timeout: 60_000 });
  return page.evaluate(async () => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.output');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) throw new Error('no output canvas');
    const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    let orange = 0;
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (r < 240 || g < 240 || b < 240) inked++;
      if (r > 200 && g > 100 && g < 200 && b < 120) orange++;
      if (b > 150 && r < 120) blue++;
    }
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
    const digest = Array.from(hash, (x) => x.toString(16).padStart(2, '0')).join('');
    return { width, height, digest, inked, orange, blue };
  });
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
    // One copy of the runtime in the build: ort/ only, no second hashed .wasm under assets/.
    expect(readdirSync(join(tmp, 'dist', 'assets')).filter((f) => f.endsWith('.wasm'))).toEqual([]);
    server = await serveStatic(join(tmp, 'dist'));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
    const record = (where: string) => (msg: { type(): string; text(): string }) => {
      if (msg.type() === 'error') consoleErrors.push(`${where}: ${msg.text()}`);
    };
    page.on('console', record('page'));
    page.on('worker', (w) => w.on('console', record('worker')));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()}: ${r.url()}`);
    });
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
    expect(first.inked).toBeGreaterThan(1000);
    expect(first.orange).toBeGreaterThan(100);
    expect(first.blue).toBeGreaterThan(100);

    // Everything a first visit fetched: the index, then this page with its runtime and model.
    const fetched = [...server.sent.entries()];
    const bytes = fetched.reduce((a, [, b]) => a + b, 0);
    console.log(
      `first visit, index + points model page: ${(bytes / 1024 / 1024).toFixed(2)} MiB\n` +
        fetched.map(([p, b]) => `  ${(b / 1024).toFixed(1).padStart(9)} KiB  ${p}`).join('\n'),
    );
    // Only the plain wasm runtime is fetched (not the 28 MB WebGPU/JSEP one), and only once.
    expect(fetched.filter(([p]) => p.endsWith('.wasm'))).toEqual([
      ['/ort/ort-wasm-simd-threaded.wasm', statSync(join(tmp, 'dist/ort/ort-wasm-simd-threaded.wasm')).size],
    ]);

    await page.fill('#seed', '7');
    await page.click('button[type="submit"]');
    const seven = await waitForOutput(page, 7);
    expect(page.url()).toContain(`#/model/${POINTS_RUN}?seed=7`);
    expect(seven.digest).not.toBe(first.digest);

    await page.reload();
    const reloaded = await waitForOutput(page, 7);
    expect(reloaded.digest).toBe(seven.digest);

    // Loss curves from metrics.json.
    await page.locator('.chart .uplot').first().waitFor();
    expect(await page.locator('.chart .uplot').count()).toBe(2);
  });

  it('draws a grid of 64 images and "New samples" changes them', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=3`);
    const first = await waitForOutput(page, 3);
    // 8 x 8 tiles of 4 x 4 pixels with 1-pixel gaps.
    expect([first.width, first.height]).toEqual([39, 39]);
    expect(first.inked).toBeGreaterThan(500);

    await page.click('#new-samples');
    await page.waitForFunction(() => !location.hash.endsWith('seed=3'));
    const seed = Number(new URL(page.url()).hash.split('seed=')[1]);
    const next = await waitForOutput(page, seed);
    expect(next.digest).not.toBe(first.digest);
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
