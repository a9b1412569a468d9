/**
 * The gallery's run pages in headless Chromium, over fixture runs: the index lists the runs, model pages
 * generate in a worker with every option in the URL, the latent walk, the class picker, the lightbox
 * download, the training timeline, the model card, opening a foreign model and a non-model file, keyboard
 * use and alt text, and no console errors. The runs table, comparisons, layout at two widths and offline
 * use are in gallery-site.e2e.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticServer } from '@ganforge/inference/testing';
import { CGAN_RUN, CLASS_NAMES, IMAGE_RUN, POINTS_RUN } from './fixture';
import { openGallery, type Gallery } from './gallery-site';
import {
  canvasDiff,
  expectPhoneFit,
  layoutProblems,
  points,
  samples,
  summarize,
  waitForOutput,
} from './page-checks';

describe('gallery run pages in Chromium', () => {
  let gallery: Gallery;
  let tmp: string;
  let server: StaticServer;
  let page: Page;

  beforeAll(async () => {
    gallery = await openGallery();
    ({ tmp, server, page } = gallery);
    // One copy of onnxruntime's wasm in the build: ort/ only, no second hashed one under assets/ (the
    // playground's TF.js wasm files are its own).
    expect(readdirSync(join(tmp, 'dist', 'assets')).filter((f) => /^ort.*\.wasm$/.test(f))).toEqual([]);
  });

  afterAll(async () => {
    await gallery?.close();
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

  it('printed no console errors', () => {
    expect(gallery.consoleErrors).toEqual([]);
  });
});
