/**
 * Builds the site against fixture runs, serves dist/ and drives it in headless Chromium: the index lists
 * the runs, model pages generate in a worker with every option in the URL, the latent walk, the class
 * picker, the lightbox download, the training timeline, opening a foreign model and a non-model file,
 * phone width, keyboard use and alt text, and no console errors anywhere.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildManifest } from '../scripts/build-manifest';
import {
  CGAN_RUN,
  CLASS_NAMES,
  classifierModel,
  foreignModel,
  IMAGE_RUN,
  POINTS_RUN,
  writeFixtureRuns,
} from './fixture';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from '../scripts/content-types';
import { buildSite } from './site';

/** What a set of canvases shows: a SHA-256 over their RGBA pixels, sizes and colour counts. */
interface CanvasSummary {
  count: number;
  sizes: string[];
  digest: string;
  /** Pixels that are not (near) white, and of those the orange-ish and the blue-ish ones. */
  inked: number;
  orange: number;
  blue: number;
}

// Summarised inside the page: shipping a million numbers out through evaluate() takes seconds.
function summarize(page: Page, selector: string): Promise<CanvasSummary> {
  return page.evaluate(async (sel) => {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>(sel)];
    if (canvases.length === 0) throw new Error(`no canvas matches ${sel}`);
    const parts: Uint8ClampedArray[] = [];
    let inked = 0;
    let orange = 0;
    let blue = 0;
    for (const canvas of canvases) {
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      parts.push(data);
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
        if (r < 240 || g < 240 || b < 240) inked++;
        if (r > 200 && g > 100 && g < 200 && b < 120) orange++;
        if (b > 150 && r < 120) blue++;
      }
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.length;
    }
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
    return {
      count: canvases.length,
      sizes: [...new Set(canvases.map((c) => `${c.width}x${c.height}`))],
      digest: Array.from(hash, (x) => x.toString(16).padStart(2, '0')).join(''),
      inked,
      orange,
      blue,
    };
  }, selector);
}

/** Largest per-channel difference between two canvases of the same size. */
function canvasDiff(page: Page, a: string, b: string): Promise<number> {
  return page.evaluate(
    ([sa, sb]) => {
      const read = (sel: string) => {
        const c = document.querySelector<HTMLCanvasElement>(sel);
        if (!c) throw new Error(`no canvas ${sel}`);
        return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      };
      const [x, y] = [read(sa), read(sb)];
      if (x.length !== y.length) return Infinity;
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] ?? 0) - (y[i] ?? 0)));
      return worst;
    },
    [a, b] as const,
  );
}

async function waitForOutput(page: Page, seed: number): Promise<void> {
  await page.waitForSelector(`.output[data-state="ready"][data-seed="${seed}"]`, { timeout: 60_000 });
}

async function samples(page: Page, seed: number): Promise<CanvasSummary> {
  await waitForOutput(page, seed);
  return summarize(page, '.output canvas');
}

async function points(page: Page, seed: number): Promise<CanvasSummary> {
  await waitForOutput(page, seed);
  return summarize(page, 'canvas.output');
}

/** Page content wider than the viewport, and images or canvases a screen reader cannot name. */
function layoutProblems(page: Page): Promise<{ overflow: number; unnamed: string[] }> {
  return page.evaluate(() => {
    const unnamed: string[] = [];
    for (const img of document.querySelectorAll('img')) if (!img.alt.trim()) unnamed.push(img.outerHTML);
    for (const c of document.querySelectorAll('canvas')) {
      const hidden = c.closest('[aria-hidden="true"]');
      // A canvas inside a named role="img" element (a chart) is part of that image.
      const named = c.closest('[role="img"][aria-label]');
      const inNamedButton = c.closest('button[aria-label]');
      const inClosedDialog = c.closest('dialog:not([open])');
      if (!named && !(hidden && inNamedButton) && !inClosedDialog) unnamed.push(c.outerHTML);
    }
    return { overflow: document.documentElement.scrollWidth - window.innerWidth, unnamed };
  });
}

/**
 * Elements sticking out of their parent sideways, and boxes that clip their own content, on the page as
 * laid out now. Content inside a scroll container (a long command in its box) is fine: it scrolls.
 */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const name = (e: Element) =>
      `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${[...e.classList].map((c) => `.${c}`).join('')}`;
    const scrolls = (e: Element | null): boolean => {
      for (let a = e; a && a !== document.body; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === 'auto' || o === 'scroll') return true;
      }
      return false;
    };
    const out: string[] = [];
    for (const e of document.querySelectorAll('main *')) {
      const r = e.getBoundingClientRect();
      const parent = e.parentElement;
      if (!parent || (r.width === 0 && r.height === 0) || e.closest('.visually-hidden')) continue;
      if (scrolls(parent)) continue;
      const p = parent.getBoundingClientRect();
      if (r.left < p.left - 1 || r.right > p.right + 1) {
        out.push(
          `${name(e)} [${Math.round(r.left)}, ${Math.round(r.right)}] outside ${name(parent)} [${Math.round(p.left)}, ${Math.round(p.right)}]`,
        );
      }
      const o = getComputedStyle(e).overflowX;
      // Form fields scroll their own text; only boxes that cut content off count.
      const field = e instanceof HTMLInputElement || e instanceof HTMLSelectElement;
      if (!field && (o === 'hidden' || o === 'clip') && e.scrollWidth > e.clientWidth + 1) {
        out.push(`${name(e)} clips its content (${e.scrollWidth} px in ${e.clientWidth} px)`);
      }
    }
    return out;
  });
}

/** At phone width (360 px) nothing is wider than the screen and everything is still named. */
async function expectPhoneFit(page: Page): Promise<void> {
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    // Let the layout settle after the resize.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect({ url: page.url(), ...(await layoutProblems(page)) }).toEqual({
      url: page.url(),
      overflow: 0,
      unnamed: [],
    });
  } finally {
    if (desktop) await page.setViewportSize(desktop);
  }
}

/** The service worker's caches as the page sees them: names, saved paths, and whether it controls the page. */
function savedFiles(page: Page): Promise<{ controlled: boolean; names: string[]; urls: string[] }> {
  return page.evaluate(async () => {
    const names = await caches.keys();
    const urls: string[] = [];
    for (const name of names) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return { controlled: !!navigator.serviceWorker.controller, names, urls };
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
    writeFileSync(join(tmp, 'foreign.onnx'), foreignModel());
    writeFileSync(join(tmp, 'notes.txt'), 'not a model, just some text\n');
    writeFileSync(join(tmp, 'classifier.onnx'), classifierModel());
    // The fixture generators must be real ONNX: ask the reference checker.
    for (const file of [
      runs.points.onnxPath,
      runs.image.onnxPath,
      runs.cgan.onnxPath,
      join(tmp, 'foreign.onnx'),
      join(tmp, 'classifier.onnx'),
    ]) {
      const check = spawnSync(
        '/usr/bin/python3',
        ['-c', 'import onnx,sys; onnx.checker.check_model(sys.argv[1], full_check=True)', file],
        { encoding: 'utf8' },
      );
      expect(check.status, check.stderr).toBe(0);
    }
    buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
    await buildSite(tmp);
    // One copy of onnxruntime's wasm in the build: ort/ only, no second hashed one under assets/ (the
    // playground's TF.js wasm files are its own).
    expect(readdirSync(join(tmp, 'dist', 'assets')).filter((f) => /^ort.*\.wasm$/.test(f))).toEqual([]);
    server = await serveStatic(join(tmp, 'dist'), { types: CONTENT_TYPES });
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true });
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
    const row = page.locator(`tr[data-run="${POINTS_RUN}"]`);
    await row.waitFor();
    const cells = async (name: string) =>
      Object.fromEntries(
        await page
          .locator(`tr[data-run="${name}"] td[data-label]`)
          .evaluateAll((tds) => tds.map((td) => [td.className, td.textContent?.trim() ?? ''])),
      ) as Record<string, string>;
    expect(await cells(IMAGE_RUN)).toEqual({
      'col-name': IMAGE_RUN,
      'col-status': 'interrupted',
      'col-preset': 'dcgan28epochs=2lrG=0.001',
      'col-dataset': 'dcgan28-data',
      'col-steps': '20',
      'col-duration': '2 s',
      'col-quality': 'FD 12.5',
      'col-date': '2026-12-02 09:00',
    });
    expect(await cells(CGAN_RUN)).toMatchObject({
      'col-status': 'completed',
      'col-preset': 'cganepochs=2seed=7',
    });
    expect(await page.locator(`tr[data-run="${POINTS_RUN}"] img.thumb`).count()).toBe(1);
    expect(await page.locator('#drop-zone').count()).toBe(1);
    expect(await layoutProblems(page)).toEqual({ overflow: 0, unnamed: [] });
    const indexBytes = [...server.sent.values()].reduce((a, b) => a + b, 0);
    console.log(
      `first visit, index page: ${(indexBytes / 1024).toFixed(1)} KiB transferred in ${server.sent.size} files`,
    );
  });

  it('draws real and generated points, keeps the seed in the URL and reproduces it', async () => {
    // Pointing at a run already starts a worker and its runtime; the page then uses that worker (the
    // runtime is fetched once, below).
    const link = page.locator(`tr[data-run="${POINTS_RUN}"] a.run-link`);
    const runtimeFetch = page.waitForRequest((r) => r.url().endsWith('/ort/ort-wasm-simd-threaded.wasm'));
    await link.hover();
    await runtimeFetch;
    await link.click();
    const first = await points(page, 1);
    expect(page.url()).toContain(`#/model/${POINTS_RUN}?seed=1`);
    expect(first.inked).toBeGreaterThan(1000);
    expect(first.orange).toBeGreaterThan(100);
    expect(first.blue).toBeGreaterThan(100);

    // Everything a first visit fetched: the index, then this page with its runtime and model.
    const fetched = [...server.sent.entries()];
    const bytes = fetched.reduce((a, [, b]) => a + b, 0);
    console.log(
      `first visit, index + points model page: ${(bytes / 1024 / 1024).toFixed(2)} MiB transferred\n` +
        fetched.map(([p, b]) => `  ${(b / 1024).toFixed(1).padStart(9)} KiB  ${p}`).join('\n'),
    );
    // Only the plain wasm runtime is fetched (not the 28 MB WebGPU/JSEP one), only once, and as its
    // brotli copy: about a sixth of the 14 MB.
    const wasm = join(tmp, 'dist/ort/ort-wasm-simd-threaded.wasm');
    expect(fetched.filter(([p]) => /ort-wasm.*\.wasm$/.test(p))).toEqual([
      ['/ort/ort-wasm-simd-threaded.wasm', statSync(`${wasm}.br`).size],
    ]);
    expect(statSync(`${wasm}.br`).size).toBeLessThan(statSync(wasm).size / 4);

    await page.fill('#seed', '7');
    await page.click('button[type="submit"]');
    const seven = await points(page, 7);
    expect(page.url()).toContain(`#/model/${POINTS_RUN}?seed=7`);
    expect(seven.digest).not.toBe(first.digest);

    await page.reload();
    expect((await points(page, 7)).digest).toBe(seven.digest);

    // Per-step losses from curve.json, accuracy from metrics.json, and each metric on its own chart.
    await page.locator('.chart.loss-steps .uplot').waitFor();
    expect(await page.locator('.chart .uplot').count()).toBe(3);
    expect(Number(await page.locator('.chart.loss-steps').getAttribute('data-points'))).toBeGreaterThan(10);
    expect(
      await page.locator('.metric-chart').evaluateAll((els) => els.map((e) => e.dataset['metric'])),
    ).toEqual(['eval.fd']);
    expect(await page.locator('.metric-chart .u-title').textContent()).toBe('Fréchet distance');
    expect(await page.locator('.metric-note').textContent()).toMatch(/^Lower is better: /);
    // Legends show the last values before anything is hovered, never "--"; no raw keys in titles.
    const legends = await page.locator('.chart .u-legend').allTextContents();
    for (const text of legends) expect(text).not.toContain('--');
    expect((await page.locator('.charts').textContent()) ?? '').not.toMatch(/eval\./);
    await page.fill('#smoothing', '0');
    await page.fill('#smoothing', '0.9');
    expect(await layoutProblems(page)).toEqual({ overflow: 0, unnamed: [] });
    await expectPhoneFit(page);
  });

  it('draws 64 samples, "New samples" changes them, truncation goes in the URL and reproduces', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=3`);
    const first = await samples(page, 3);
    expect(first.count).toBe(64);
    expect(first.sizes).toEqual(['4x4']);
    expect(first.inked).toBeGreaterThan(500);

    await page.check('#trunc-on');
    await page.waitForFunction(() => location.hash.includes('trunc=0.7'));
    await page.waitForSelector('.output[data-state="ready"]');
    const truncated = await samples(page, 3);
    expect(page.url()).toContain(`#/model/${IMAGE_RUN}?seed=3&trunc=0.7`);
    expect(truncated.digest).not.toBe(first.digest);
    await page.reload();
    expect((await samples(page, 3)).digest).toBe(truncated.digest);
    expect(await page.isChecked('#trunc-on')).toBe(true);

    await page.click('#new-samples');
    await page.waitForFunction(() => !location.hash.includes('seed=3&'));
    const seed = Number(/seed=(\d+)/.exec(new URL(page.url()).hash)?.[1]);
    expect((await samples(page, seed)).digest).not.toBe(truncated.digest);
    expect(page.url()).toContain('trunc=0.7');
  });

  it('draws a tiny truncation (trunc=1e-9), says why trunc=0 is refused, and a new seed clears it', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=3&trunc=1e-9`);
    const tiny = await samples(page, 3);
    expect(tiny.count).toBe(64);
    expect(await page.locator('.status').textContent()).toBe('64 samples, seed 3, truncation 1e-9');

    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=6&trunc=0`);
    await waitForOutput(page, 6);
    expect(await page.locator('.status.error').textContent()).toContain(
      'truncation "0" is not valid: use a number above 0 and at most 4',
    );

    await page.fill('#seed', '7');
    await page.click('button[type="submit"]');
    await waitForOutput(page, 7);
    expect(await page.locator('.status.error').count()).toBe(0);
    expect(await page.locator('.status').textContent()).toBe('64 samples, seed 7');
  });

  it('opens a sample large from the keyboard and downloads it as PNG', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=5`);
    await waitForOutput(page, 5);
    await page.focus('.sample[data-index="9"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog.lightbox[open]');
    expect(await page.locator('dialog.lightbox .caption').textContent()).toBe('sample 10, seed 5');
    expect(await canvasDiff(page, 'dialog.lightbox canvas', '.sample[data-index="9"] canvas')).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toBe(`${IMAGE_RUN}-seed5-10.png`);
    const png = readFileSync(await download.path());
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 4, 4]);

    await page.keyboard.press('Escape');
    await page.waitForSelector('dialog.lightbox:not([open])', { state: 'attached' });
  });

  it('walks between two samples: frames from one to the other, scrubbable, ends from the lightbox', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=5`);
    await waitForOutput(page, 5);
    await page.waitForSelector('.walk-frame[data-state="ready"][data-frames="24"]');
    expect(await summarize(page, '.walk-strip')).toMatchObject({ sizes: ['119x4'] });

    // Scrubbing stops the animation; the ends of the walk are the two samples (a=0, b=1).
    await page.locator('#walk-frame').fill('0');
    expect(await page.getAttribute('.walk-frame', 'data-frame')).toBe('0');
    expect(await canvasDiff(page, '.walk-frame', '.sample[data-index="0"] canvas')).toBeLessThanOrEqual(1);
    await page.locator('#walk-frame').fill('23');
    expect(await canvasDiff(page, '.walk-frame', '.sample[data-index="1"] canvas')).toBeLessThanOrEqual(1);
    await page.locator('#walk-frame').fill('12');
    expect(await canvasDiff(page, '.walk-frame', '.sample[data-index="0"] canvas')).toBeGreaterThan(1);
    expect(await canvasDiff(page, '.walk-frame', '.sample[data-index="1"] canvas')).toBeGreaterThan(1);

    // Play animates it.
    await page.click('#walk-play');
    await page.waitForFunction(
      () => document.querySelector('.walk-frame')?.getAttribute('data-frame') !== '12',
    );
    await page.click('#walk-play');

    // Pick new ends from the lightbox: they go into the URL.
    await page.click('.sample[data-index="6"]');
    await page.click('#walk-from');
    await page.waitForFunction(() => location.hash.includes('a=6&b=1'));
    await page.click('.sample[data-index="20"]');
    await page.click('#walk-to');
    await page.waitForFunction(() => location.hash.includes('a=6&b=20'));
    await page.waitForSelector('.walk-frame[data-state="ready"]');
    await page.locator('#walk-frame').fill('23');
    expect(await canvasDiff(page, '.walk-frame', '.sample[data-index="20"] canvas')).toBeLessThanOrEqual(1);
    expect(await page.locator('.walk-caption').textContent()).toBe('24 frames from sample 7 to sample 21');
  });

  it('scrubs the training timeline and marks the epoch', async () => {
    await page.goto(`${server.url}#/model/${IMAGE_RUN}?seed=1`);
    await page.waitForSelector('.timeline-frame[data-epoch="2"]');
    expect(await page.locator('.timeline figcaption').textContent()).toBe('epoch 2 of 2');
    await page.locator('#epoch').fill('0');
    await page.waitForSelector('.timeline-frame[data-epoch="1"]');
    expect(await page.getAttribute('.timeline-frame', 'src')).toMatch(/samples\/epoch-0001\.png$/);
    expect(await page.getAttribute('.timeline-frame', 'alt')).toBe(
      `fixed-noise samples of ${IMAGE_RUN} after epoch 1 of 2`,
    );
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.timeline-frame');
      return !!img && img.complete && img.naturalWidth === 8;
    });
  });

  it('shows one row per class by default and one class when picked', async () => {
    await page.goto(`${server.url}#/model/${CGAN_RUN}`);
    const rows = await samples(page, 1);
    expect(rows.count).toBe(CLASS_NAMES.length * 8);
    expect(await page.locator('.row-label').allTextContents()).toEqual(CLASS_NAMES);
    const rowTiles = await page
      .locator('.sample')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
    expect(new Set(rowTiles).size).toBe(1);
    expect(await page.locator('#class option').allTextContents()).toEqual([
      'one row per class',
      ...CLASS_NAMES,
    ]);

    // Row 2 (Bag) of the rows view: samples 16..23, class 2. Picking class 2 draws samples 0..63 of class 2
    // from the same latents, so its samples 16..23 are the same pixels.
    const bagRow = await summarize(page, '.sample-row:nth-child(3) canvas');
    const tshirtRow = await summarize(page, '.sample-row:nth-child(1) canvas');
    expect(bagRow.digest).not.toBe(tshirtRow.digest);
    await page.selectOption('#class', '2');
    await page.waitForFunction(() => location.hash.includes('class=2'));
    await page.waitForSelector('.output[data-state="ready"][data-count="64"]');
    const bag = await summarize(page, '.output canvas');
    expect(bag.count).toBe(64);
    const same = await summarize(
      page,
      Array.from({ length: 8 }, (_, k) => `.sample[data-index="${16 + k}"] canvas`).join(','),
    );
    expect(same.digest).toBe(bagRow.digest);
    // One class: a label above the grid, and every tile the same size (no row label squeezing row 1).
    expect(await page.locator('.grid-label').textContent()).toBe('Bag: 64 samples');
    expect(await page.locator('.row-label').count()).toBe(0);
    const tiles = await page.locator('.sample').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return `${Math.round(r.width)}x${Math.round(r.height)}`;
      }),
    );
    expect(tiles).toHaveLength(64);
    expect(new Set(tiles).size, tiles.join(' ')).toBe(1);
    expect(await page.locator('.sample[data-index="3"]').getAttribute('aria-label')).toBe(
      'sample 4 (Bag): open large',
    );
    // The walk keeps the class.
    await page.waitForSelector('.walk-frame[data-state="ready"]');
    expect(await page.locator('.walk-caption').textContent()).toBe(
      '24 frames from sample 1 (Bag) to sample 2 (Bag)',
    );

    // The same URL reproduces the same pixels.
    await page.reload();
    await page.waitForSelector('.output[data-state="ready"][data-count="64"]');
    expect((await summarize(page, '.output canvas')).digest).toBe(bag.digest);
    expect(await page.inputValue('#class')).toBe('2');
    await page.waitForSelector('.chart .uplot');
    expect(await layoutProblems(page)).toEqual({ overflow: 0, unnamed: [] });
    await expectPhoneFit(page);
  });

  it('shows the model card with architecture, parity and how to reproduce', async () => {
    await page.goto(`${server.url}#/model/${CGAN_RUN}?seed=4`);
    await waitForOutput(page, 4);
    const card = (await page.locator('.card').textContent()) ?? '';
    expect(card).toContain('parameters (G / D)6 / 20');
    expect(card).toContain('data licenseFixture images: CC0');
    expect(card).toContain('evaluationeval.* by fmnist-classifier-v1 against a test split, 2000 samples');
    // The final figures read in words, with their direction, in "How good is it".
    expect(await page.locator('.quality dd[data-metric="eval.fd"]').textContent()).toContain('12.5');
    expect(await page.locator('.quality').textContent()).toContain('Fréchet distance (lower is better)');
    expect(card).toContain('inputsz [N,2], label [N]');
    expect(card).toContain('outputsimage [N,1,4,4]');
    expect(card).toContain("class label input 'label'");
    expect(await page.locator('.layers li').allTextContents()).toEqual([
      'Gather',
      'MatMul',
      'Add ×2',
      'Sigmoid',
      'Reshape',
    ]);
    expect(card).toContain('npx nx run trainer:train --preset cgan');
    // Every command has its own copy button.
    expect(await page.locator('.card .command').count()).toBe(3);
    expect(await page.locator('.card .command button.copy').count()).toBe(3);
    expect(await page.locator('#sample-command').textContent()).toContain(
      `--model runs/${CGAN_RUN}/generator.onnx --count 24 --seed 4 --labels 0,0,0,0,0,0,0,0,1`,
    );
  });

  it('opens a dropped foreign model and browses it the same way', async () => {
    await page.goto(`${server.url}#/open`);
    await page.waitForSelector('#drop-zone');
    const bytes = Array.from(readFileSync(join(tmp, 'foreign.onnx')));
    // A file name that is also HTML: it must show up as text.
    const name = '<img src=x onerror=alert(1)>gen.onnx';
    await page.evaluate(
      ([data, fileName]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(data)], fileName));
        const zone = document.getElementById('drop-zone')!;
        zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [bytes, name] as const,
    );
    await page.waitForFunction(() => location.hash.startsWith('#/local'));
    const first = await samples(page, 1);
    expect(first.count).toBe(64);
    expect(first.sizes).toEqual(['4x4']);
    expect(first.inked).toBeGreaterThan(500);
    expect(await page.locator('h1').textContent()).toBe(name);
    expect(await page.locator('main img').count()).toBe(0);
    const card = (await page.locator('.card').textContent()) ?? '';
    expect(card).toContain('inputsnoise [N,16,1,1]');
    expect(card).toContain('outputsout [N,1,4,4]');
    expect(card).toContain('read aslatent [16,1,1] (graph); image 4×4×1 NCHW (graph); range [-1, 1] (graph)');
    expect(card).toContain('producerpytorch 2.1.0');

    // Seed, walk and truncation work on it too.
    await page.fill('#seed', '12');
    await page.click('button[type="submit"]');
    expect((await samples(page, 12)).digest).not.toBe(first.digest);
    expect(page.url()).toContain('#/local?seed=12');
    await page.waitForSelector('.walk-frame[data-state="ready"][data-frames="24"]');
  });

  it('says clearly when an opened file is not a generator it can run', async () => {
    await page.goto(`${server.url}#/open`);
    await page.setInputFiles('#file', join(tmp, 'notes.txt'));
    await page.waitForSelector('.status.error');
    const text = await page.locator('.status.error').textContent();
    expect(text).toMatch(/^"notes\.txt" is not a generator this gallery can run: /);
    expect(await page.locator('#open-another').count()).toBe(1);

    // A real ONNX model that is not a generator: the page names what it looks like, once, and offers
    // no controls for a model it cannot run.
    await page.goto(`${server.url}#/open`);
    await page.setInputFiles('#file', join(tmp, 'classifier.onnx'));
    // Unlike the text file, this one is handed to onnxruntime, whose start may take a while.
    await page.waitForSelector('.status.error', { timeout: 60_000 });
    const why = (await page.locator('.status.error').textContent()) ?? '';
    expect(why).toMatch(/^"classifier\.onnx" is not a generator this gallery can run: .*classifier/);
    expect(why.match(/not a generator/g)).toHaveLength(2);
    expect(await page.locator('#seed').count()).toBe(0);
    expect(await page.locator('#open-another').count()).toBe(1);

    // A reload cannot bring the file back: the page says so instead of failing.
    await page.reload();
    await page.waitForFunction(() => location.hash === '#/open');
    expect(await page.locator('[role="alert"]').textContent()).toBe(
      'Opened files are not kept: open the file again.',
    );
  });

  it('sorts and filters the runs table and selects runs to compare', async () => {
    await page.goto(server.url);
    await page.locator(`tr[data-run="${POINTS_RUN}"]`).waitFor();
    const order = () =>
      page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')));
    // Newest first by default.
    expect(await order()).toEqual([CGAN_RUN, IMAGE_RUN, POINTS_RUN]);
    await page.click('button.sort[data-sort="steps"]');
    expect(await order()).toEqual([POINTS_RUN, CGAN_RUN, IMAGE_RUN]);
    expect(await page.getAttribute('th.col-steps', 'aria-sort')).toBe('descending');
    await page.click('button.sort[data-sort="name"]');
    expect(await order()).toEqual([CGAN_RUN, IMAGE_RUN, POINTS_RUN]);
    await page.click('button.sort[data-sort="name"]');
    expect(await order()).toEqual([POINTS_RUN, IMAGE_RUN, CGAN_RUN]);

    await page.fill('#run-filter', 'lrG');
    expect(await order()).toEqual([IMAGE_RUN]);
    await page.fill('#run-filter', 'completed');
    expect(await order()).toEqual([POINTS_RUN, CGAN_RUN]);
    await page.fill('#run-filter', '');

    expect(await page.getAttribute('#compare-selected', 'aria-disabled')).toBe('true');
    await page.check(`tr[data-run="${IMAGE_RUN}"] .select-run`);
    await page.check(`tr[data-run="${CGAN_RUN}"] .select-run`);
    expect(await page.textContent('#compare-selected')).toBe('Compare 2 runs');
    await page.click('#compare-selected');
    await page.waitForFunction(() => location.hash.startsWith('#/compare'));
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/compare?runs=${IMAGE_RUN},${CGAN_RUN}`);
  });

  it('compares two runs: overlaid curves, samples at one seed side by side, the differing settings', async () => {
    await page.goto(`${server.url}#/compare?runs=${IMAGE_RUN},${CGAN_RUN}&seed=4`);
    await page.waitForSelector(`.compare-figure[data-run="${IMAGE_RUN}"][data-state="ready"]`, {
      timeout: 60_000,
    });
    await page.waitForSelector(`.compare-figure[data-run="${CGAN_RUN}"][data-state="ready"]`, {
      timeout: 60_000,
    });
    expect(
      await page.locator('.compare-figure').evaluateAll((f) => f.map((e) => e.getAttribute('data-seed'))),
    ).toEqual(['4', '4']);
    const image = await summarize(page, `.compare-figure[data-run="${IMAGE_RUN}"] canvas`);
    const cgan = await summarize(page, `.compare-figure[data-run="${CGAN_RUN}"] canvas`);
    // 8×8 tiles of 4×4 with 1 px gaps; the conditional run one row of 8 per class.
    expect(image.sizes).toEqual(['39x39']);
    expect(cgan.sizes).toEqual([`39x${CLASS_NAMES.length * 5 - 1}`]);
    expect(
      await page.locator(`.compare-figure[data-run="${CGAN_RUN}"] .row-label`).allTextContents(),
    ).toEqual(CLASS_NAMES);
    // Side by side at desktop width: the same top edge.
    const tops = await page
      .locator('.compare-figure')
      .evaluateAll((f) => f.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);

    // Two runs, two series in each loss chart (one per run, raw lines aside).
    await page.locator('.compare-charts .loss-steps .uplot').first().waitFor();
    expect(
      await page
        .locator('.compare-charts .loss-steps')
        .evaluateAll((c) => c.map((e) => e.getAttribute('data-series'))),
    ).toEqual(['2', '2']);
    const legend = (await page.locator('.compare-charts .loss-steps .u-legend').first().textContent()) ?? '';
    expect(legend).toContain(IMAGE_RUN);
    expect(legend).toContain(CGAN_RUN);
    // Metrics on charts of their own, never with a count (eval.samples) on the same axis.
    expect(
      await page
        .locator('.compare-charts .metric-chart')
        .evaluateAll((c) => c.map((e) => e.getAttribute('data-metric'))),
    ).toEqual(['eval.fd']);

    const settings = Object.fromEntries(
      await page
        .locator('.compare-table tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.getAttribute('data-key'),
            [...r.querySelectorAll('td')].map((td) => td.textContent),
          ]),
        ),
    );
    expect(settings).toMatchObject({
      preset: ['dcgan28', 'cgan'],
      conditional: ['false', 'true'],
      lrG: ['0.001', '0.0002'],
      seed: ['1', '7'],
    });
    expect(settings['epochs']).toBeUndefined(); // the same in both
    expect(await layoutProblems(page)).toEqual({ overflow: 0, unnamed: [] });
  });

  it('lays every page out inside its boxes at 1280 and 390 px', async () => {
    const pages: [string, string][] = [
      ['#/', `tr[data-run="${POINTS_RUN}"]`],
      [`#/model/${IMAGE_RUN}?seed=2`, '.output[data-state="ready"]'],
      [`#/model/${POINTS_RUN}?seed=2`, '.output[data-state="ready"]'],
      [`#/model/${CGAN_RUN}?seed=2`, '.output[data-state="ready"]'],
      [`#/model/${CGAN_RUN}?seed=2&class=1`, '.output[data-state="ready"]'],
      [`#/compare?runs=${IMAGE_RUN},${POINTS_RUN},${CGAN_RUN}`, '.compare-figure[data-state="ready"]'],
    ];
    for (const width of [1280, 390]) {
      const view = await browser.newPage({ viewport: { width, height: 800 } });
      try {
        for (const [hash, ready] of pages) {
          await view.goto(`${server.url}${hash}`);
          await view.waitForSelector(ready, { timeout: 60_000 });
          // Charts are drawn after their data arrives.
          if (hash.startsWith('#/model')) await view.waitForSelector('.chart .uplot');
          expect({ width, hash, problems: await overflowing(view) }).toEqual({ width, hash, problems: [] });
        }
      } finally {
        await view.close();
      }
    }
  });

  it('fits a phone-width screen (index and open pages; model pages above)', async () => {
    for (const hash of ['#/', '#/open']) {
      await page.goto(`${server.url}${hash}`);
      await page.waitForSelector('#drop-zone');
      await expectPhoneFit(page);
    }
  });

  it('builds brotli and gzip copies that decode to the files themselves', async () => {
    for (const path of ['ort/ort-wasm-simd-threaded.wasm', 'ort/ort-wasm-simd-threaded.mjs']) {
      const original = readFileSync(join(tmp, 'dist', path));
      for (const [accept, encoding] of [
        ['br, gzip', 'br'],
        ['gzip', 'gzip'],
        ['br;q=0, gzip', 'gzip'],
        ['identity', null],
      ] as const) {
        // Node's fetch decodes br and gzip bodies itself.
        const res = await fetch(`${server.url}${path}`, { headers: { 'accept-encoding': accept } });
        expect(res.headers.get('content-encoding'), `${path} for "${accept}"`).toBe(encoding);
        expect(Buffer.from(await res.arrayBuffer()).equals(original), `${path} for "${accept}"`).toBe(true);
      }
    }
  });

  it('shows a clear message for an unknown run', async () => {
    await page.goto(`${server.url}#/model/no-such-run`);
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toContain('No run named "no-such-run"');
  });

  it('works offline after one visit, without downloading anything twice', async () => {
    // Its own server, so that it can really go away, and its own profile, so that nothing is saved yet.
    const own = await serveStatic(join(tmp, 'dist'), { types: CONTENT_TYPES });
    const context = await browser.newContext();
    try {
      const visit = await context.newPage();
      await visit.goto(`${own.url}#/model/${IMAGE_RUN}?seed=3`);
      const online = await samples(visit, 3);
      // The service worker registers after the first image, then saves the app and this run.
      const saved = () => savedFiles(visit);
      const runFiles = [
        '/models/manifest.json',
        `/models/${IMAGE_RUN}/generator.onnx`,
        `/models/${IMAGE_RUN}/samples/epoch-0001.png`,
        `/models/${IMAGE_RUN}/samples/epoch-0002.png`,
        `/models/${POINTS_RUN}/samples/epoch-0003.png`,
      ];
      // Polled until nothing is missing (or the page is not controlled yet).
      await expect
        .poll(
          async () => {
            const now = await saved();
            const wanted = [...runFiles, '/ort/ort-wasm-simd-threaded.wasm'];
            return [...(now.controlled ? [] : ['control']), ...wanted.filter((f) => !now.urls.includes(f))];
          },
          { timeout: 60_000 },
        )
        .toEqual([]);
      const { names, urls } = await saved();
      expect(names.sort()).toEqual([expect.stringMatching(/^ganforge-app-[0-9a-f]{16}$/), 'ganforge-runs']);
      expect(urls).toContain('/');
      expect(urls.some((u) => /^\/assets\/worker-.*\.js$/.test(u))).toBe(true);
      // Saving took what the visit had already downloaded: each file went over the network once.
      const wasm = join(tmp, 'dist/ort/ort-wasm-simd-threaded.wasm');
      expect(own.sent.get('/ort/ort-wasm-simd-threaded.wasm')).toBe(statSync(`${wasm}.br`).size);
      const onnx = join(tmp, `dist/models/${IMAGE_RUN}/generator.onnx`);
      expect(own.sent.get(`/models/${IMAGE_RUN}/generator.onnx`)).toBe(statSync(onnx).size);

      // Now the network is gone: the server is down and the browser knows it is offline.
      await own.close();
      await context.setOffline(true);
      await visit.reload();
      expect((await samples(visit, 3)).digest).toBe(online.digest);
      await visit.locator('#epoch').fill('0');
      await visit.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('.timeline-frame[data-epoch="1"]');
        return !!img && img.complete && img.naturalWidth === 8;
      });
      // The index, with every run's thumbnail.
      await visit.goto(`${own.url}#/`);
      await visit.locator(`tr[data-run="${POINTS_RUN}"]`).waitFor();
      await visit.waitForFunction((n) => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('img.thumb')];
        return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
      }, 3);
      // A run never opened: its model was not saved, and the page says so.
      await visit.goto(`${own.url}#/model/${POINTS_RUN}`);
      await visit.locator('.error').waitFor();
      expect(await visit.locator('.error').textContent()).toContain(
        'this device is offline and this file was not saved for offline use. Open this run once while online',
      );
    } finally {
      await context.close();
      await own.close().catch(() => undefined);
    }
  });

  it('replaces the saved app with a rebuilt one and keeps the saved runs', async () => {
    // A copy of the site, "rebuilt" below the way vite.config.ts would: a new page, a new worker version.
    const site = join(tmp, 'dist-rebuilt');
    cpSync(join(tmp, 'dist'), site, { recursive: true });
    const own = await serveStatic(site, { types: CONTENT_TYPES });
    const context = await browser.newContext();
    try {
      const first = await context.newPage();
      await first.goto(`${own.url}#/model/${IMAGE_RUN}?seed=3`);
      const before = await samples(first, 3);
      const onnx = `/models/${IMAGE_RUN}/generator.onnx`;
      await expect
        .poll(
          async () => {
            const now = await savedFiles(first);
            return now.controlled && now.urls.includes(onnx);
          },
          { timeout: 60_000 },
        )
        .toBe(true);
      const oldApp = (await savedFiles(first)).names.find((n) => n.startsWith('ganforge-app-')) ?? '';
      expect(oldApp).toMatch(/^ganforge-app-[0-9a-f]{16}$/);
      const newApp = 'ganforge-app-0123456789abcdef';
      for (const [file, from, to] of [
        ['sw.js', oldApp.slice('ganforge-app-'.length), newApp.slice('ganforge-app-'.length)],
        ['index.html', '<title>', '<meta name="build" content="rebuilt" /><title>'],
      ] as [string, string, string][]) {
        const path = join(site, file);
        expect(readFileSync(path, 'utf8')).toContain(from);
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll(from, to));
        rmSync(`${path}.br`, { force: true });
        rmSync(`${path}.gz`, { force: true });
      }
      await first.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      // The new worker waits while a page of the old one is open, and takes over once none is.
      await first.close();
      await expect
        .poll(
          async () => {
            const seen = await Promise.all(
              context.serviceWorkers().map((w) => w.evaluate(() => caches.keys()).catch(() => [])),
            );
            return [...new Set(seen.flat())].sort();
          },
          { timeout: 60_000 },
        )
        .toEqual([newApp, 'ganforge-runs']);

      await own.close();
      await context.setOffline(true);
      const second = await context.newPage();
      await second.goto(`${own.url}#/model/${IMAGE_RUN}?seed=3`);
      expect(await second.locator('meta[name="build"]').getAttribute('content')).toBe('rebuilt');
      expect((await samples(second, 3)).digest).toBe(before.digest);
      expect((await savedFiles(second)).urls).toContain(onnx);
    } finally {
      await context.close();
      await own.close().catch(() => undefined);
    }
  });

  it('printed no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
