/**
 * The playground's GAN Lab features in headless Chromium: slow motion walks a step's ten stages, lights
 * them in the model overview and ends at the weights of one normal step; Step D, Step G and Step both
 * run one update alone or both; G's gradient lines point where G's update moves the points; the main
 * view's layers switch on and off; the noise and the objective and optimizer change while the run goes
 * on; a pause lands between steps; the preset picker keeps its preset; mode and class coverage say
 * what Fréchet-2d and the evaluator's count leave out; the curves stay readable at 390 px.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Its Window.playground declaration types the page's handle below.
import type {} from '../src/playground/main';
import type { StageView } from '../src/playground/protocol';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from '../scripts/content-types';
import { buildSite } from './site';

let tmp: string;
let server: StaticServer;
let browser: Browser;
const problems: string[] = [];

/** The cpu backend: the same arithmetic on every machine, so two pages agree to the bit. */
const BASE = '#backend=cpu';

async function open(hash = BASE, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${server.url}playground.html${hash}`);
  await page.waitForSelector('#pg-play:not([disabled])');
  return page;
}

/** Clicks `selector` and waits for the snapshot its work sends. */
async function clickAndDraw(
  page: Page,
  selector: string,
): Promise<{ step: number; gSteps: number; stage?: StageView }> {
  const drawn = page.evaluate(() =>
    window.playground!.nextSnapshot().then((s) => ({ step: s.step, gSteps: s.gSteps, stage: s.stage })),
  );
  await page.click(selector);
  return (await drawn) as { step: number; gSteps: number; stage?: StageView };
}

const weights = (page: Page) => page.evaluate(() => window.playground!.weights());
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

/** The weights list starts with G's: the default MLP's G (2 → 64 → 64 → 2) has this many. */
const G_WEIGHTS = 2 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ganlab-'));
  mkdirSync(join(tmp, 'public'));
  server = await serveStatic(await buildSite(tmp), { types: CONTENT_TYPES });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the playground’s GAN Lab features', () => {
  it('walks one step through its stages in slow motion and ends at the weights of a normal step', async () => {
    const page = await open();
    await page.click('#pg-slow');
    expect(await page.getAttribute('#pg-slow', 'aria-pressed')).toBe('true');
    expect(await page.isVisible('#pg-next-stage')).toBe(true);
    const lit: Record<string, string[]> = {};
    let last: StageView | undefined;
    for (let i = 0; i < 10; i++) {
      last = (await clickAndDraw(page, '#pg-next-stage')).stage;
      const key = `${last!.phase}:${last!.stage}`;
      lit[key] = (await page.evaluate(() => window.playground!.overviewLit())).sort();
      expect(await page.getAttribute('#pg-overview', 'data-stage')).toBe(key);
      expect(await page.textContent('#pg-stage')).toMatch(new RegExp(`stage ${i + 1} of 10`));
    }
    expect(await page.evaluate(() => window.playground!.stages())).toEqual([
      'D:generate',
      'D:classify',
      'D:loss',
      'D:gradients',
      'D:update',
      'G:generate',
      'G:classify',
      'G:loss',
      'G:gradients',
      'G:update',
    ]);
    expect(last).toMatchObject({ phase: 'G', stage: 'update', step: 1, done: true });
    expect(lit).toMatchObject({
      'D:generate': ['fake', 'g', 'noise'],
      'D:classify': ['d', 'fake', 'real', 'verdict'],
      'D:loss': ['lossD', 'verdict'],
      'D:gradients': ['d', 'lossD'],
      'D:update': ['d'],
      'G:classify': ['d', 'fake', 'verdict'],
      'G:loss': ['lossG', 'verdict'],
      'G:gradients': ['d', 'g', 'lossG'],
      'G:update': ['g'],
    });
    // While D's half runs, G is the frozen part of the overview; in G's half, D is.
    expect(await page.getAttribute('[data-node="d"]', 'class')).toContain('frozen');
    expect(await page.isVisible('#pg-fig-samples.pg-lit')).toBe(true);
    const walked = await weights(page);

    const normal = await open();
    expect((await clickAndDraw(normal, '#pg-step-once')).step).toBe(1);
    expect(maxDiff(walked, await weights(normal))).toBe(0);
    await normal.close();
    await page.close();
  });

  it('runs D’s update or G’s alone, or both, and Step D then Step G is one step', async () => {
    const page = await open();
    const g = G_WEIGHTS;
    const w0 = await weights(page);
    expect(await clickAndDraw(page, '#pg-step-d')).toMatchObject({ step: 1, gSteps: 0 });
    const w1 = await weights(page);
    expect(maxDiff(w0.slice(0, g), w1.slice(0, g))).toBe(0); // G unchanged
    expect(maxDiff(w0.slice(g), w1.slice(g))).toBeGreaterThan(0); // D moved
    expect(await clickAndDraw(page, '#pg-step-g')).toMatchObject({ step: 1, gSteps: 1 });
    const w2 = await weights(page);
    expect(maxDiff(w1.slice(g), w2.slice(g))).toBe(0); // D unchanged
    expect(maxDiff(w1.slice(0, g), w2.slice(0, g))).toBeGreaterThan(0); // G moved

    const other = await open();
    await clickAndDraw(other, '#pg-step-once');
    expect(maxDiff(w2, await weights(other))).toBe(0);
    // Step both is the whole of the next step.
    expect(await clickAndDraw(page, '#pg-step-both')).toMatchObject({ step: 2, gSteps: 2 });
    await clickAndDraw(other, '#pg-step-once');
    expect(maxDiff(await weights(page), await weights(other))).toBe(0);
    // Step G with no D update waiting takes a step of its own.
    expect(await clickAndDraw(page, '#pg-step-g')).toMatchObject({ step: 3, gSteps: 3 });
    await other.close();
    await page.close();
  });

  it('draws G’s gradients the way G’s update moves the points', async () => {
    const page = await open();
    for (let i = 0; i < 5; i++) await clickAndDraw(page, '#pg-step-d');
    const before = await page.evaluate(() => ({
      lines: window.playground!.gradientLines(),
      fake: Array.from(window.playground!.snapshot()!.fake),
    }));
    expect(before.lines).toHaveLength(300);
    await clickAndDraw(page, '#pg-step-g');
    const after = await page.evaluate(() => Array.from(window.playground!.snapshot()!.fake));
    let agree = 0;
    let cosines = 0;
    before.lines.forEach((l, i) => {
      const [mx, my] = [after[2 * i]! - before.fake[2 * i]!, after[2 * i + 1]! - before.fake[2 * i + 1]!];
      // Each line starts at its point.
      expect(l.x).toBeCloseTo(before.fake[2 * i]!, 5);
      const c = (l.dx * mx + l.dy * my) / (Math.hypot(l.dx, l.dy) * Math.hypot(mx, my) + 1e-12);
      cosines += c;
      if (c > 0) agree++;
    });
    // G's update is taken on its batch's latents, not these: the lines and the moves agree on the whole.
    expect(agree / before.lines.length).toBeGreaterThan(0.75);
    expect(cosines / before.lines.length).toBeGreaterThan(0.4);
    await page.close();
  });

  it('switches the main view’s layers on and off', async () => {
    const page = await open();
    const shade = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('#pg-samples')!;
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let green = 0;
        let pink = 0;
        let inked = 0;
        let tinted = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (r < 235 || g < 235 || b < 235) inked++;
          if (r < 253 || g < 253 || b < 253) tinted++;
          if (g > r + 20 && g > b + 20) green++;
          if (r > 180 && g < 120 && b > 60 && b < 160) pink++;
        }
        return { green, pink, inked, tinted, pixels: data.length / 4 };
      });
    expect(await page.getAttribute('#pg-samples', 'data-layers')).toBe('real,fake,gradients');
    const start = await shade();
    expect(start.pink).toBeGreaterThan(50);
    await page.uncheck('#pg-layer-gradients');
    expect((await shade()).pink).toBeLessThan(start.pink / 10);
    for (const layer of ['real', 'fake']) await page.uncheck(`#pg-layer-${layer}`);
    const empty = await shade();
    await page.check('#pg-layer-heat');
    // D's output over the whole plane (near 0.5 everywhere before training: a faint tint).
    const heat = await shade();
    expect(heat.tinted).toBeGreaterThan(heat.pixels * 0.8);
    expect(empty.tinted).toBeLessThan(empty.pixels * 0.2);
    await page.uncheck('#pg-layer-heat');
    await page.check('#pg-layer-manifold');
    // The untrained G's manifold is a small patch of shaded cells.
    expect((await shade()).inked).toBeGreaterThan(empty.inked + 1000);
    expect(await page.getAttribute('#pg-samples', 'data-layers')).toBe('manifold');
    await page.close();
  });

  it('changes the noise, the objective and the optimizer while the run goes on', async () => {
    const page = await open();
    await page.evaluate(() => window.playground!.trainUntil(20));
    const before = await weights(page);
    // Uniform noise, a least-squares loss, other rates and RMSprop: all live, the run keeps its weights.
    for (const [field, value] of [
      ['#pg-noise', 'uniform'],
      ['#pg-loss', 'least-squares'],
      ['#pg-optimizer', 'rmsprop'],
    ] as const) {
      const drawn = page.evaluate(() => window.playground!.nextSnapshot());
      await page.selectOption(field, value);
      await drawn;
    }
    await page.fill('#pg-lrD', '0.002');
    const drawn = page.evaluate(() => window.playground!.nextSnapshot());
    await page.dispatchEvent('#pg-lrD', 'change');
    const s = await drawn;
    expect(s.step).toBe(20);
    expect(s.training).toEqual({
      loss: 'least-squares',
      lrD: 0.002,
      lrG: 0.001,
      optimizer: 'rmsprop',
      beta1: 0.5,
      dSteps: 1,
      noise: 'uniform',
    });
    expect(s.noise).toBe('uniform');
    expect(s.latentSpan).toBe(1);
    expect(s.heatIsProbability).toBe(false);
    expect(maxDiff(before, await weights(page))).toBe(0);
    expect(await page.textContent('#pg-live-note')).toMatch(
      /Changed while training, at step 20: .*lrD → 0\.002/,
    );
    expect(page.url()).toMatch(/noise=uniform/);
    const on = await page.evaluate(() => window.playground!.trainUntil(30));
    expect(on.step).toBe(30);
    expect(Number.isFinite(on.lossD)).toBe(true);

    // A 1-D noise is a new network: the run starts over, and the manifold is a curve.
    await page.fill('#pg-latentDim', '1');
    await page.dispatchEvent('#pg-latentDim', 'change');
    await page.waitForFunction(() => window.playground!.snapshot()?.latentDim === 1);
    expect(await page.evaluate(() => window.playground!.snapshot()!.step)).toBe(0);
    await page.close();
  });

  it('keeps the chosen preset shown, and says what the figures leave out', async () => {
    const page = await open();
    expect(await page.inputValue('#pg-preset')).toBe('ring8');
    await page.selectOption('#pg-preset', 'wgan');
    await page.waitForSelector('#pg-play:not([disabled])');
    expect(await page.inputValue('#pg-preset')).toBe('wgan');
    expect(await page.inputValue('#pg-loss')).toBe('wgan-gp');
    // The 5×5 grid's modes, next to Fréchet-2d.
    await page.waitForSelector('#pg-modes-covered');
    expect(await page.textContent('#pg-modes-covered')).toMatch(/^\d+\/25$/);
    expect(await page.textContent('#pg-modes')).toMatch(
      /modes are missed: Fréchet-2d compares only the means and covariances/,
    );
    await page.close();
  });

  it('pauses image mode between steps, and counts only confident classes', async () => {
    // The trainer's MLP GAN at batch 64: a step takes tenths of a second, 200 of them a minute.
    const page = await open('#mode=images&imageModel=mlp&images=500&backend=wasm');
    expect(await page.textContent('#pg-coverage-confident')).toBe('0/10');
    expect(await page.textContent('#pg-coverage')).toMatch(/^1\/10 /);
    expect(await page.textContent('#pg-coverage-note')).toMatch(/Coverage needs confident predictions/);
    await page.$eval('#pg-speed', (el) => {
      const input = el as HTMLInputElement;
      input.value = input.max; // 200 steps a frame
      input.dispatchEvent(new Event('input'));
    });
    await page.click('#pg-play');
    await page.waitForFunction(() => document.getElementById('pg-play')!.textContent === 'Pause');
    await page.waitForTimeout(1500);
    const paused = page.evaluate(() =>
      window.playground!.nextSnapshot().then((s) => ({ step: s.step, at: performance.now() })),
    );
    const clicked = await page.evaluate(() => performance.now());
    await page.click('#pg-play');
    const s = await paused;
    expect(s.step).toBeGreaterThan(0);
    expect(s.step).toBeLessThan(200);
    expect(s.at - clicked).toBeLessThan(5000);
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => window.playground!.snapshot()!.step)).toBe(s.step);
    await page.close();
  });

  it('keeps the curves readable at 390 px after a resize', async () => {
    const page = await open();
    await page.evaluate(() => window.playground!.trainUntil(30));
    await page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => page.evaluate(() => document.querySelector('#pg-curves')!.getBoundingClientRect().width))
      .toBeLessThan(380);
    const scale = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#pg-curves')!;
      return c.width / c.getBoundingClientRect().width / devicePixelRatio;
    });
    expect(scale).toBeCloseTo(1, 1);
    const loss = page.locator('.pg-curves .chart').first();
    expect(await loss.getAttribute('data-y-title')).toBe('loss (mean per step)');
    const ticks = (await loss.getAttribute('data-x-ticks'))!.split('|');
    expect(ticks.length).toBeGreaterThan(2); // not just the two ends
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    // Slow motion's buttons wrap and its overview scrolls in its own box.
    await page.click('#pg-slow');
    expect(await page.isVisible('#pg-next-stage')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
