/**
 * The gallery as a site in headless Chromium, over fixture runs: the runs table sorts, filters and picks
 * runs to compare; a comparison overlays curves and shows samples at one seed side by side; every page
 * lays out inside its boxes at 1280 and 390 px; the compressed copies decode to the files; an unknown
 * run says so; after one visit the site works offline and a rebuilt site replaces the saved one.
 */
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { ORT_WEBGPU_FILES } from '@ganforge/inference/vite';
import { CONTENT_TYPES } from '../scripts/content-types';
import { CGAN_RUN, CLASS_NAMES, IMAGE_RUN, POINTS_RUN } from './fixture';
import { openGallery, type Gallery } from './gallery-site';
import { expectPhoneFit, layoutProblems, overflowing, samples, savedFiles, summarize } from './page-checks';

describe('the gallery site in Chromium', () => {
  let gallery: Gallery;
  let tmp: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    gallery = await openGallery();
    ({ tmp, server, browser, page } = gallery);
  });

  afterAll(async () => {
    await gallery?.close();
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
      // The WebGPU runtime (the playground's GPU training) is neither saved nor fetched for a visit.
      for (const f of ORT_WEBGPU_FILES) {
        expect(urls).not.toContain(`/ort/${f}`);
        expect(own.sent.has(`/ort/${f}`)).toBe(false);
      }

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
    expect(gallery.consoleErrors).toEqual([]);
  });
});
