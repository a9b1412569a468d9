/**
 * The shared chart and the step slider on the built site, in headless Chromium, over the fixture runs
 * (the image run with adaptive augmentation, a class count and a time budget, e2e/chart-fixture.ts):
 * titled axes, whole-number epoch ticks, 0–1 accuracy axes, counts without decimals, a single evaluation
 * drawn as a dot with its value, the log scale, drag-to-zoom and its reset, the wall-time axis, CSV and
 * JSON downloads, the adaptive augmentation chart with its target, a width that follows the window down
 * to 390 px, the model card's span of a points model, the comparison's settings note and its synced
 * pictures with before / after.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { buildManifest } from '../scripts/build-manifest';
import { CONTENT_TYPES } from '../scripts/content-types';
import { ADAPTIVE_TARGET, writeChartRuns } from './chart-fixture';
import { IMAGE_RUN, POINTS_RUN } from './fixture';
import { buildSite } from './site';

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
  await page.goto(`${server.url}${hash}`);
  return page;
}

/** The chart's state as its host says it. */
const state = (chart: Locator) => chart.evaluate((e) => ({ ...(e as HTMLElement).dataset }));

/** What a chart button downloads, as text. */
async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const done = page.waitForEvent('download');
  await button.click();
  const d = await done;
  const file = join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), text: readFileSync(file, 'utf8') };
}

/** Chart canvases drawn at the device's pixel ratio, not stretched or squeezed by CSS. */
function canvasScales(page: Page): Promise<{ css: number; ratio: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('.chart canvas')].map((c) => ({
      css: c.getBoundingClientRect().width,
      ratio: c.width / c.getBoundingClientRect().width / devicePixelRatio,
    })),
  );
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gallery-charts-'));
  await writeChartRuns(join(tmp, 'runs'));
  mkdirSync(join(tmp, 'public'));
  buildManifest({ runsDir: join(tmp, 'runs'), outDir: join(tmp, 'public', 'models') });
  server = await serveStatic(await buildSite(tmp), { types: CONTENT_TYPES });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the run page’s charts', () => {
  it('titles the axes, ticks epochs in whole numbers, keeps accuracy on 0–1 and counts whole', async () => {
    const page = await open(`#/model/${IMAGE_RUN}?seed=1`);
    const loss = page.locator('.chart.loss-steps');
    await loss.locator('.uplot').waitFor();
    expect(await state(loss)).toMatchObject({
      xTitle: 'step',
      yTitle: 'loss',
      xAxis: 'step',
      yScale: 'linear',
    });
    const accuracy = page.locator('.chart', {
      has: page.locator('.u-title', { hasText: 'Discriminator accuracy' }),
    });
    const acc = await state(accuracy);
    expect(acc['yTitle']).toBe('accuracy (0–1)');
    expect(acc['yTicks']!.split('|')).toEqual(expect.arrayContaining(['0.0', '1.0']));
    expect(acc['xTitle']).toBe('epoch');
    for (const t of acc['xTicks']!.split('|')) expect(t).toMatch(/^\d+$/);

    // One evaluation: a dot with its value, a count in whole numbers.
    const classes = page.locator('.metric-chart[data-metric="eval.classesPresent"]');
    expect(await classes.locator('.chart-plot').getAttribute('aria-label')).toMatch(
      /Classes present ends at 9$/,
    );
    expect(await classes.locator('.u-legend').textContent()).toMatch(/Classes present\s*9$/);
    for (const t of (await state(classes))['yTicks']!.split('|')) expect(t).toMatch(/^\d+$/);
    expect((await classes.locator('.u-legend').textContent()) ?? '').not.toContain('9.00');

    // Adaptive augmentation: p and r_t against the step, with r_t's target as a line.
    const adaptive = page.locator('.adaptive-chart');
    expect(await adaptive.locator('.chart-plot').getAttribute('aria-label')).toMatch(
      /augmentation p ends at 0\.100, D’s real-sign signal r_t ends at 0\.700/,
    );
    const json = JSON.parse((await download(page, adaptive.locator('.chart-json'))).text);
    expect(json.targets).toEqual([{ value: ADAPTIVE_TARGET, label: `target r_t = ${ADAPTIVE_TARGET}` }]);
    expect(json.series.map((s: { label: string }) => s.label)).toEqual([
      'augmentation p',
      'D’s real-sign signal r_t',
    ]);
    await page.close();
  });

  it('switches to a log scale, zooms by dragging, resets, puts wall time on x and downloads the data', async () => {
    const page = await open(`#/model/${IMAGE_RUN}?seed=1`);
    const loss = page.locator('.chart.loss-steps');
    await loss.locator('.uplot').waitFor();
    const linearTicks = (await state(loss))['yTicks'];
    await loss.locator('.chart-log').check();
    await expect.poll(async () => (await state(loss))['yScale']).toBe('log');
    expect((await state(loss))['yTicks']).not.toBe(linearTicks);
    await loss.locator('.chart-log').uncheck();

    // Drag across the middle of the plot: the x axis shows less, and Reset zoom brings it back.
    const before = (await state(loss))['xTicks'];
    const box = (await loss.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await state(loss))['zoomed']).toBe('true');
    expect((await state(loss))['xTicks']).not.toBe(before);
    await loss.locator('.chart-reset').click();
    expect(await state(loss)).toMatchObject({ zoomed: 'false', xTicks: before });
    expect(await loss.locator('.chart-reset').isHidden()).toBe(true);

    // Wall time from the epochs' records: 20 steps in 0.2 s.
    await loss.locator('.chart-axis').selectOption('wall');
    expect(await state(loss)).toMatchObject({ xAxis: 'wall', xTitle: 'wall time (s)' });
    await loss.locator('.chart-axis').selectOption('step');

    const csv = await download(page, loss.locator('.chart-csv'));
    expect(csv.name).toBe('loss-per-step.csv');
    const rows = csv.text.trim().split('\n');
    expect(rows[0]).toBe('step,discriminator,generator,discriminator wall time (s),generator wall time (s)');
    expect(rows).toHaveLength(11); // steps 2, 4, …, 20
    expect(rows[10]!.split(',')[0]).toBe('20');
    expect(Number(rows[10]!.split(',')[3])).toBeCloseTo(0.2, 6);
    await page.close();
  });

  it('keeps its text readable after the window narrows to 390 px', async () => {
    const page = await open(`#/model/${IMAGE_RUN}?seed=1`);
    await page.locator('.chart.loss-steps .uplot').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(async () => Math.max(...(await canvasScales(page)).map((c) => c.css)))
      .toBeLessThanOrEqual(390);
    // Drawn for its size, not a wide canvas scaled down (the text would shrink with it).
    for (const c of await canvasScales(page)) expect(c.ratio).toBeCloseTo(1, 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await page.close();
  });

  it('moves the timeline’s picture and shows two epochs side by side', async () => {
    const page = await open(`#/model/${IMAGE_RUN}?seed=1`);
    await page.waitForSelector('.timeline-frame[data-epoch="2"]');
    await page.check('#epoch-compare');
    expect(await page.locator('.timeline').getAttribute('class')).toContain('comparing');
    expect(await page.locator('.timeline-frame-before').getAttribute('data-epoch')).toBe('1');
    expect(await page.locator('.timeline-frame-before').isVisible()).toBe(true);
    expect(await page.locator('.timeline .step-note').textContent()).toBe('before: epoch 1 · after: epoch 2');
    await page.locator('#epoch').fill('0');
    await page.waitForSelector('.timeline-frame[data-epoch="1"]');
    await page.locator('#epoch-before').fill('1');
    expect(await page.locator('.timeline-frame-before').getAttribute('data-epoch')).toBe('2');
    await page.close();
  });

  it('gives a points model’s card the span of its points, not an image range', async () => {
    const page = await open(`#/model/${POINTS_RUN}?seed=2`);
    await page.waitForSelector('.output[data-state="ready"]');
    expect(await page.textContent('#points-span')).toMatch(
      /^x from −?[\d.]+ to −?[\d.]+, y from −?[\d.]+ to −?[\d.]+ \(the 1000 points of seed 2 on screen\)$/,
    );
    const card = (await page.textContent('.card')) ?? '';
    expect(card).toContain('points used as G outputs them (no scaling)');
    expect(card).not.toMatch(/2-D points[^;]*; range/);
    await page.close();
  });
});

describe('the comparison', () => {
  it('says how many settings differ as rows, explains a time budget of 0, and moves every run to one step', async () => {
    const page = await open(`#/compare?runs=${IMAGE_RUN},${POINTS_RUN}&seed=4`);
    await page.waitForSelector('.compare-table');
    const below = await page.locator('.compare-table tbody tr.facts-end ~ tr').count();
    expect(await page.textContent('#settings-note')).toMatch(
      new RegExp(`^${below} config settings differ: the rows below the line`),
    );
    const maxMinutes = await page.locator('tr[data-key="maxMinutes"] td').allTextContents();
    expect(maxMinutes).toEqual(['2', '0 (no time budget)']);

    // The image run has pictures at steps 10 and 20, the points run at 10, 20 and 30.
    const frame = (run: string) =>
      page.locator(`.compare-timeline .step-panel[data-run="${run}"] .step-frame`);
    await expect.poll(() => frame(POINTS_RUN).getAttribute('data-step')).toBe('30');
    expect(await frame(IMAGE_RUN).getAttribute('data-step')).toBe('20');
    await page.locator('#compare-step').fill('1');
    expect(await page.locator('.compare-timeline').getAttribute('data-at')).toBe('20');
    expect(await frame(IMAGE_RUN).getAttribute('data-epoch')).toBe('2');
    expect(await frame(POINTS_RUN).getAttribute('data-epoch')).toBe('2');
    await page.check('#compare-step-compare');
    for (const run of [IMAGE_RUN, POINTS_RUN]) {
      const before = page.locator(`.compare-timeline .step-panel[data-run="${run}"] .step-frame-before`);
      expect(await before.isVisible()).toBe(true);
      expect(await before.getAttribute('data-step')).toBe('10');
    }

    // The charts' state: an adaptive chart for each figure the image run recorded, with the target.
    const rt = page.locator('.compare-charts .adaptive-chart[data-figure="overfitSignal"]');
    const json = JSON.parse((await download(page, rt.locator('.chart-json'))).text);
    expect(json.targets).toEqual([{ value: ADAPTIVE_TARGET, label: `target ${ADAPTIVE_TARGET}` }]);
    expect(json.series.map((s: { label: string }) => s.label)).toEqual([IMAGE_RUN]);
    await page.close();
  });

  it('fits 390 px with its charts readable', async () => {
    const page = await open(`#/compare?runs=${IMAGE_RUN},${POINTS_RUN}&seed=4`, 390);
    await page.waitForSelector('.compare-charts .uplot');
    for (const c of await canvasScales(page)) {
      expect(c.css).toBeLessThanOrEqual(390);
      expect(c.ratio).toBeCloseTo(1, 1);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
