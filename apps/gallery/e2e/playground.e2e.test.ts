/**
 * The playground in headless Chromium: the d2l Gaussian trained for the Node trainer's 2,500 steps lands
 * within the trainer's tolerance; the heat map and curves are drawn; a click is answered while training
 * runs; Export gives an ONNX file the Node SDK loads with the page's outputs, and Download run a run
 * folder the exporter turns into the same model and `ganforge train --resume` continues along the page's
 * own path; image mode (Fashion-MNIST) trains, draws its grid, exports and resumes the same way; a ring-of-8 run improves
 * its 2-D metric; bad links are refused in words; no console errors and no CSP violations anywhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportGenerator } from '@ganforge/exporter';
import { loadGenerator } from '@ganforge/inference';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Its Window.playground declaration types the page's handle below.
import type { PlaygroundHandle } from '../src/playground/main';
import type { Snapshot } from '../src/playground/protocol';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from '../scripts/content-types';
import { CROSS_ORIGIN_ISOLATION } from '../scripts/isolation';
import { buildSite } from './site';

/** The gallery's policy: scripts and workers from the site only, wasm compiled, nothing inline. */
const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'";

/** The d2l read-out the Node trainer's test holds the gaussian2d preset to (train.test.ts). */
const NODE_TOLERANCE = 0.4;

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let tmp: string;
let server: StaticServer;
let browser: Browser;
const problems: string[] = [];

async function open(hash: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A CSP violation becomes a console error, which fails the last test.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(`${server.url}playground.html${hash}`);
  await page.waitForSelector('#pg-play:not([disabled])');
  return page;
}

/** The speed control at its fastest: fewer drawn frames per step. */
async function fastest(page: Page): Promise<void> {
  await page.$eval('#pg-speed', (el) => {
    const input = el as HTMLInputElement;
    input.value = input.max;
    input.dispatchEvent(new Event('input'));
  });
}

async function trainUntil(page: Page, step: number): Promise<Snapshot> {
  // Snapshots carry typed arrays; the page sends back plain numbers.
  return page.evaluate(async (n) => {
    const h: PlaygroundHandle = window.playground!;
    const s = await h.trainUntil(n);
    return { ...s, fake: Array.from(s.fake), heat: [], transport: [] } as unknown as Snapshot;
  }, step);
}

/** Distinct colours and non-white pixels of a canvas. */
function ink(page: Page, selector: string): Promise<{ colours: number; inked: number }> {
  return page.evaluate((sel) => {
    const c = document.querySelector<HTMLCanvasElement>(sel)!;
    const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      if (data[i]! < 235 || data[i + 1]! < 235 || data[i + 2]! < 235) inked++;
    }
    return { colours: colours.size, inked };
  }, selector);
}

function worstRelErr(s: Snapshot): number {
  const target = [1, 2, 1.01, 1.95, 4.25]; // b and AᵀA for A = [[1, 2], [-0.1, 0.5]]
  const got = [s.mean[0], s.mean[1], s.cov[0], s.cov[1], s.cov[2]];
  return Math.max(...got.map((v, i) => Math.abs(v - target[i]!) / Math.abs(target[i]!)));
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ganforge-playground-'));
  mkdirSync(join(tmp, 'public'));
  const dist = await buildSite(tmp);
  // Cross-origin isolated, as the gallery's own servers serve it.
  server = await serveStatic(dist, { types: CONTENT_TYPES, headers: CROSS_ORIGIN_ISOLATION });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the playground', () => {
  it('trains the d2l Gaussian like the Node trainer, draws every view, exports a matching ONNX file and a run the trainer resumes', async () => {
    const page = await open('#preset=d2l');
    await fastest(page);
    // Auto names what it picked and the step times it picked by.
    expect(await page.textContent('#pg-backend')).toMatch(
      /Engine: TF\.js (wasm \(SIMD\)|cpu \(JavaScript\)) \(picked automatically, the faster here \(wasm [\d.]+ ms\/step, cpu [\d.]+ ms\/step\)\)/,
    );
    const s = await trainUntil(page, 2500);
    expect(s.step).toBe(2500);
    expect(worstRelErr(s)).toBeLessThan(NODE_TOLERANCE);
    expect(await page.textContent('#pg-gaussian')).toMatch(/Generated mean \(.*\) vs b \(1\.000, 2\.000\)/);

    // Heat map, transport, curves and the metric curve are drawn, not blank.
    for (const sel of ['#pg-heatmap', '#pg-transport', '#pg-curves', '#pg-metric-curve', '#pg-samples']) {
      const { colours, inked } = await ink(page, sel);
      expect(colours, sel).toBeGreaterThan(20);
      expect(inked, sel).toBeGreaterThan(2000);
    }

    // Export: the file loads in the Node SDK and gives the page's outputs.
    const download = page.waitForEvent('download');
    await page.click('#pg-export');
    const file = join(tmp, 'playground.onnx');
    await (await download).saveAs(file);
    const generator = await loadGenerator(new Uint8Array(readFileSync(file)));
    expect(generator.info.kind).toBe('points');
    expect(generator.info.latentDim).toBe(2);
    const latents = generator.latents(5, 64);
    const inPage = await page.evaluate((z) => window.playground!.sample(z), Array.from(latents));
    const fromFile = await generator.sample({ count: 64, latents });
    if (fromFile.kind !== 'points') throw new Error('expected points');
    const diff = Math.max(...inPage.map((v, i) => Math.abs(v - fromFile.points[i]!)));
    expect(diff).toBeLessThan(1e-4);
    await generator.dispose();

    // Download run: a run folder the exporter (what `ganforge export generator --run` calls) accepts.
    const archive = page.waitForEvent('download');
    await page.click('#pg-download-run');
    const tarFile = join(tmp, 'run.tar');
    await (await archive).saveAs(tarFile);
    const x = spawnSync('tar', ['-xf', tarFile, '-C', tmp], { encoding: 'utf8' });
    expect(x.status, x.stderr).toBe(0);
    const runDir = join(tmp, 'playground-gaussian2d-seed1-step2500');
    const exported = await exportGenerator({ run: runDir });
    expect(exported.passed).toBe(true);
    const fromRun = await loadGenerator(new Uint8Array(readFileSync(exported.file)));
    const again = await fromRun.sample({ count: 64, latents });
    if (again.kind !== 'points') throw new Error('expected points');
    expect(Math.max(...inPage.map((v, i) => Math.abs(v - again.points[i]!)))).toBeLessThan(1e-4);
    await fromRun.dispose();

    // The archive also carries the trainer's config and checkpoint: the real CLI continues it from step
    // 2500 (the end of epoch 20 of 125 steps) through epoch 21, as the page goes on to step 2625.
    const resumed = spawnSync(
      join(workspace, 'node_modules/.bin/ganforge'),
      ['train', '--resume', runDir, '--quiet'],
      { cwd: workspace, encoding: 'utf8', timeout: 120_000 },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming after epoch 20, step 2500/);
    expect(JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8'))).toMatchObject({
      status: 'completed',
      epoch: 21,
      step: 2625,
    });
    await trainUntil(page, 2625);
    const onPage = await page.evaluate((z) => window.playground!.sample(z), Array.from(latents));
    const continued = await exportGenerator({ run: runDir });
    const fromResumed = await loadGenerator(new Uint8Array(readFileSync(continued.file)));
    const next = await fromResumed.sample({ count: 64, latents });
    if (next.kind !== 'points') throw new Error('expected points');
    expect(Math.max(...inPage.map((v, i) => Math.abs(v - next.points[i]!)))).toBeGreaterThan(1e-3);
    expect(Math.max(...onPage.map((v, i) => Math.abs(v - next.points[i]!)))).toBeLessThan(1e-3);
    await fromResumed.dispose();
    await page.close();
  });

  it('answers a click while training runs and shares the run by link', async () => {
    const page = await open('');
    const before = Number(await page.getAttribute('#app', 'data-step'));
    const target = 400;
    const training = page.evaluate((n) => window.playground!.trainUntil(n), target);
    await page.waitForFunction((n) => Number(document.getElementById('app')!.dataset.step) > n, before);
    await page.click('#pg-share');
    const link = await page.inputValue('#pg-link');
    // The click was answered, a frame drawn after it, and training had not yet reached its step: the
    // page answers between steps instead of after the run (an order, not a time, so load cannot fail it).
    const answered = await page.evaluate(() => ({
      frames: window.playground!.clickLatencies.length,
      step: Number(document.getElementById('app')!.dataset.step),
    }));
    await training;
    expect(answered.frames).toBeGreaterThan(0);
    expect(answered.step).toBeGreaterThan(before);
    expect(answered.step).toBeLessThan(target);
    expect(link).toMatch(/playground\.html#backend=(wasm|cpu)$/);

    // Another setting shows in the page's address; the shared link also pins the backend that ran, and
    // reproduces the run step for step.
    await page.fill('#pg-seed', '5');
    await page.dispatchEvent('#pg-seed', 'change');
    await page.waitForSelector('#pg-play:not([disabled])');
    expect(page.url()).toMatch(/#seed=5$/);
    await page.click('#pg-share');
    const shared = await page.inputValue('#pg-link');
    expect(shared).toMatch(/#seed=5&backend=(wasm|cpu)$/);
    const a = await trainUntil(page, 50);
    const again = await open(new URL(shared).hash);
    const b = await trainUntil(again, 50);
    expect(b.fake).toEqual(a.fake);
    await again.close();
    await page.close();
  });

  it('shows the ring of 8 getting closer to the real data in grid JS and Fréchet-2d', async () => {
    const page = await open('#dataset=ring8');
    await fastest(page);
    const start = await page.evaluate(() => {
      const s = window.playground!.snapshot()!;
      return { step: s.step, gridJs: s.gridJs, frechet: s.frechet };
    });
    expect(start.step).toBe(0);
    const end = await trainUntil(page, 1500);
    expect(end.gridJs).toBeLessThan(start.gridJs * 0.6);
    expect(end.frechet).toBeLessThan(start.frechet * 0.5);
    expect(Number(await page.textContent('#pg-gridjs'))).toBeCloseTo(end.gridJs, 3);
    await page.close();
  });

  it('downloads a ring-of-8 run of the editable MLP that the real CLI resumes along the page’s path', async () => {
    // 1000 points in batches of 128 make 7 steps an epoch: step 10 is 3 steps into epoch 2.
    const page = await open('#hiddenG=32,16&hiddenD=24&activation=tanh&latentDim=3&seed=2');
    await trainUntil(page, 10);
    const latents = Array.from({ length: 64 * 3 }, (_, i) => Math.sin(i * 1.7) * 1.5);
    const atStep10 = await page.evaluate((z) => window.playground!.sample(z), latents);
    const archive = page.waitForEvent('download');
    await page.click('#pg-download-run');
    const tarFile = join(tmp, 'ring8-run.tar');
    await (await archive).saveAs(tarFile);
    const runDir = join(tmp, 'playground-ring8-seed2-step10');
    const about = () => JSON.parse(readFileSync(join(runDir, 'playground.json'), 'utf8'));
    const resumed = spawnSync(
      join(workspace, 'node_modules/.bin/ganforge'),
      ['train', '--resume', tarFile, '--quiet'],
      { cwd: workspace, encoding: 'utf8', timeout: 120_000 },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(about().resume).toMatch(/ganforge train --resume <this folder> continues it .*points-mlp model/);
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'))).toMatchObject({
      preset: 'points',
      model: 'points-mlp',
      dataset: 'ring8',
      hiddenG: [32, 16],
      hiddenD: [24],
      activation: 'tanh',
      latentDim: 3,
      seed: 2,
      epochs: 2,
    });
    expect(resumed.stdout).toMatch(/resuming after epoch 1, step 10/);
    expect(JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8'))).toMatchObject({
      status: 'completed',
      epoch: 2,
      step: 14,
    });
    await trainUntil(page, 14);
    const onPage = await page.evaluate((z) => window.playground!.sample(z), latents);
    const exported = await exportGenerator({ run: runDir });
    expect(exported.passed).toBe(true);
    const fromRun = await loadGenerator(new Uint8Array(readFileSync(exported.file)));
    expect(fromRun.info).toMatchObject({ kind: 'points', latentDim: 3 });
    const out = await fromRun.sample({ count: 64, latents: Float32Array.from(latents) });
    if (out.kind !== 'points') throw new Error('expected points');
    const maxDiff = (a: number[], b: ArrayLike<number>) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    // Trained on from step 10, along the page's own path.
    expect(maxDiff(atStep10, out.points)).toBeGreaterThan(1e-3);
    expect(maxDiff(onPage, out.points)).toBeLessThan(1e-3);
    await fromRun.dispose();
    await page.close();
  });

  it('refuses a bad link in words and starts from the defaults', async () => {
    const page = await open('#lrD=fast&loss=hinge');
    const message = await page.textContent('#pg-error');
    expect(message).toMatch(/lrD="fast": give a number, e.g. 0.001/);
    expect(message).toMatch(/loss="hinge": use one of minimax/);
    expect(await page.inputValue('#pg-lrD')).toBe('0.001');
    await page.close();
  });

  it('trains on points drawn on the page, puts them in the link and the downloaded run', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(`${server.url}playground.html#dataset=drawn`);
    await page.waitForSelector('#pg-train-sketch:visible');
    expect(await page.textContent('#pg-error')).toMatch(/draw points, then press “Train on drawing”/);
    const box = (await page.locator('#pg-samples').boundingBox())!;
    for (const [fx, fy] of [
      [0.3, 0.3],
      [0.7, 0.7],
      [0.3, 0.7],
    ]) {
      await page.mouse.click(box.x + box.width * fx!, box.y + box.height * fy!);
    }
    await page.click('#pg-train-sketch');
    await page.waitForSelector('#pg-play:not([disabled])');
    const drawn = new URL(page.url()).hash
      .match(/drawn=([^&]+)/)?.[1]
      ?.split(',')
      .map(Number);
    expect(drawn).toHaveLength(6);
    // The canvas spans [-3, 3]² while drawing: the first click, 30% in from the top left, is (-1.2, 1.2).
    expect(drawn![0]).toBeCloseTo(-1.2, 1);
    expect(drawn![1]).toBeCloseTo(1.2, 1);

    // Download run carries the points trained on, and config.json names that file as the dataset.
    await page.evaluate(() => window.playground!.trainUntil(3));
    const archive = page.waitForEvent('download');
    await page.click('#pg-download-run');
    const tarFile = join(tmp, 'drawn-run.tar');
    await (await archive).saveAs(tarFile);
    const into = join(tmp, 'drawn');
    mkdirSync(into);
    const x = spawnSync('tar', ['-xf', tarFile, '-C', into], { encoding: 'utf8' });
    expect(x.status, x.stderr).toBe(0);
    const runDir = join(into, 'playground-drawn-seed1-step3');
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model: 'points-mlp', dataset: 'drawn-points.json' });
    const file = JSON.parse(readFileSync(join(runDir, 'drawn-points.json'), 'utf8'));
    expect(file.points).toHaveLength(1000);
    expect(file).toEqual(JSON.parse(readFileSync(join(runDir, 'real-points.json'), 'utf8')));
    expect(readFileSync(join(runDir, 'checkpoint/latest.json'), 'utf8')).toMatch(/"step": 3/);
    await page.close();
  });

  it('trains an image GAN on Fashion-MNIST, draws its grid, exports a matching ONNX file and a run the trainer resumes', async () => {
    // The trainer's MLP GAN, made small so a few seconds of training do.
    const page = await open(
      '#mode=images&imageModel=mlp&images=500&hiddenG=64&hiddenD=64&latentDim=16&batchSize=16&seed=3',
    );
    expect(await page.getAttribute('#app', 'data-mode')).toBe('images');
    expect(await page.isVisible('#pg-image-grid')).toBe(true);
    expect(await page.isVisible('#pg-heatmap')).toBe(false);
    expect(await page.inputValue('#pg-mode')).toBe('images');
    const start = await page.evaluate(() => Array.from(window.playground!.snapshot()!.images!));
    const s = await page.evaluate(async () => {
      const snap = await window.playground!.trainUntil(40);
      return { step: snap.step, images: Array.from(snap.images!), coverage: snap.coverage };
    });
    expect(s.step).toBe(40);
    expect(s.images).toHaveLength(64 * 28 * 28);
    // Trained: the grid moved away from the untrained generator's.
    expect(Math.max(...s.images.map((v, i) => Math.abs(v - start[i]!)))).toBeGreaterThan(0.02);
    expect(s.coverage?.classes).toBe(10);
    expect(s.coverage?.count).toBe(500);
    expect(await page.textContent('#pg-coverage')).toMatch(/^\d+\/10 \(step \d+, [\d.]+ s\)$/);
    for (const sel of ['#pg-image-grid', '#pg-real-grid', '#pg-curves']) {
      const { colours, inked } = await ink(page, sel);
      expect(colours, sel).toBeGreaterThan(20);
      expect(inked, sel).toBeGreaterThan(2000);
    }
    // The share link carries the mode.
    await page.click('#pg-share');
    expect(await page.inputValue('#pg-link')).toMatch(
      /playground\.html#mode=images&imageModel=mlp&images=500&/,
    );

    // Export: an image generator with the project's metadata, which the Node SDK runs to the page's values.
    const download = page.waitForEvent('download');
    await page.click('#pg-export');
    const file = join(tmp, 'playground-images.onnx');
    await (await download).saveAs(file);
    const generator = await loadGenerator(new Uint8Array(readFileSync(file)));
    expect(generator.info.kind).toBe('image');
    expect(generator.info.latentDim).toBe(16);
    expect(generator.info.image).toMatchObject({ height: 28, width: 28, channels: 1 });
    const latents = generator.latents(9, 32);
    const inPage = await page.evaluate((z) => window.playground!.sample(z), Array.from(latents));
    const fromFile = await generator.sample({ count: 32, latents, raw: true });
    if (fromFile.kind !== 'image') throw new Error('expected images');
    expect(fromFile.raw).toHaveLength(inPage.length);
    const diff = Math.max(...inPage.map((v, i) => Math.abs(v - fromFile.raw![i]!)));
    expect(diff).toBeLessThan(1e-4);
    await generator.dispose();

    // Download run, unpacked, continues under the real CLI from the page's step with the page's weights
    // and optimizer state: 500 images in batches of 16 make 31 steps an epoch, so step 40 is 9 steps into
    // epoch 2, and a plain --resume finishes it (step 62). The page, trained on to step 62, agrees.
    const archive = page.waitForEvent('download');
    await page.click('#pg-download-run');
    const tarFile = join(tmp, 'image-run.tar');
    await (await archive).saveAs(tarFile);
    const x = spawnSync('tar', ['-xf', tarFile, '-C', tmp], { encoding: 'utf8' });
    expect(x.status, x.stderr).toBe(0);
    const runDir = join(tmp, 'playground-fashion-mlp-seed3-step40');
    const latest = JSON.parse(readFileSync(join(runDir, 'checkpoint/latest.json'), 'utf8'));
    expect(latest).toMatchObject({ epoch: 1, stepInEpoch: 9, step: 40 });
    const resumed = spawnSync(
      join(workspace, 'node_modules/.bin/ganforge'),
      ['train', '--resume', runDir, '--quiet'],
      { cwd: workspace, encoding: 'utf8', timeout: 120_000 },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming after epoch 1, step 40/);
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8'));
    expect(state).toMatchObject({ status: 'completed', epoch: 2, step: 62 });
    await page.evaluate(() => window.playground!.trainUntil(62));
    const onPage = await page.evaluate((z) => window.playground!.sample(z), Array.from(latents));
    const exported = await exportGenerator({ run: runDir });
    const fromRun = await loadGenerator(new Uint8Array(readFileSync(exported.file)));
    const out = await fromRun.sample({ count: 32, latents, raw: true });
    if (out.kind !== 'image') throw new Error('expected images');
    const maxDiff = (a: number[], b: ArrayLike<number>) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    // Trained on from step 40 (its samples moved), and along the page's own path.
    expect(maxDiff(inPage, out.raw!)).toBeGreaterThan(0.01);
    expect(maxDiff(onPage, out.raw!)).toBeLessThan(1e-3);
    await fromRun.dispose();
    await page.close();
  });

  it('keeps the strict CSP and logs no errors', async () => {
    const page = await open('');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toBe(CSP);
    await page.close();
    expect(problems).toEqual([]);
  });
});
