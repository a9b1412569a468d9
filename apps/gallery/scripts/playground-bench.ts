/**
 * Playground benchmark: builds the site, serves it on localhost and, in headless Chromium, measures
 *   - time from opening the playground to its first drawn frame (models built, step 0 drawn) and to the
 *     first drawn training step (One step pressed as soon as the page is ready), median over visits;
 *   - steps per second of the d2l setup (the trainer's gaussian2d preset: 2,500 steps, batch 8) on each
 *     TF.js backend the browser offers, at the fastest speed setting (200 steps per drawn frame): wall
 *     time over all steps, drawing included, and the worker's time in steps alone;
 * and, next to it, the Node trainer on the same setup (`train` with --preset=gaussian2d), with its
 * default engine and with the TF.js engine, counting the time between step events (epoch ends excluded).
 *
 *   tsx scripts/playground-bench.ts [--visits <n>] [--steps <n>] [--no-node]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Browser, Page } from 'playwright-core';
import { resolveConfig, train } from '@ganforge/trainer';
import { launchChromium } from '../e2e/chromium';
import { buildSite } from '../e2e/site';
import { serveStatic, type StaticServer } from '../e2e/static-server';
import type {} from '../src/playground/main';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Milliseconds from navigation to the first frame and to the first drawn training step. */
async function firstStep(browser: Browser, url: string): Promise<{ ready: number; step: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('#pg-play:not([disabled])');
  const ready = await page.evaluate(() => performance.now());
  await page.click('#pg-step-once');
  await page.waitForFunction(() => Number(document.getElementById('app')!.dataset.step) >= 1, null, {
    polling: 'raf',
  });
  const step = await page.evaluate(() => performance.now());
  await context.close();
  return { ready, step };
}

interface BrowserRate {
  backend: string;
  wallStepsPerSecond: number;
  workerStepsPerSecond: number;
}

async function rate(page: Page, steps: number): Promise<Omit<BrowserRate, 'backend'>> {
  await page.$eval('#pg-speed', (el) => {
    const input = el as HTMLInputElement;
    input.value = input.max;
    input.dispatchEvent(new Event('input'));
  });
  return page.evaluate(async (n) => {
    const rates: number[] = [];
    const t0 = performance.now();
    // The worker reports its own rate (time inside steps) with each frame.
    const poll = setInterval(() => {
      const r = window.playground!.snapshot()?.stepsPerSecond;
      if (r) rates.push(r);
    }, 50);
    const last = await window.playground!.trainUntil(n);
    clearInterval(poll);
    rates.push(last.stepsPerSecond);
    const wall = performance.now() - t0;
    rates.sort((a, b) => a - b);
    return {
      wallStepsPerSecond: (n * 1000) / wall,
      workerStepsPerSecond: rates[Math.floor(rates.length / 2)] ?? 0,
    };
  }, steps);
}

async function browserRates(browser: Browser, server: StaticServer, steps: number): Promise<BrowserRate[]> {
  const out: BrowserRate[] = [];
  for (const backend of ['wasm', 'webgl', 'cpu']) {
    const page = await browser.newPage();
    await page.goto(`${server.url}playground.html#preset=d2l&backend=${backend}`);
    const ok = await Promise.race([
      page.waitForSelector('#pg-play:not([disabled])').then(() => true),
      page.waitForSelector('#pg-error:not([hidden])').then(() => false),
    ]);
    if (!ok) {
      console.log(`  ${backend}: not available (${(await page.textContent('#pg-error'))?.trim()})`);
      await page.close();
      continue;
    }
    const label = (await page.textContent('#pg-backend'))?.replace(/^Engine: /, '') ?? backend;
    out.push({ backend: label, ...(await rate(page, steps)) });
    await page.close();
  }
  return out;
}

/** The Node trainer's steps per second on the d2l setup, between step events. */
async function nodeRate(
  engine: 'auto' | 'tfjs',
  steps: number,
): Promise<{ engine: string; stepsPerSecond: number }> {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-pg-bench-node-'));
  try {
    const config = resolveConfig({
      flags: { preset: 'gaussian2d', seed: 1, epochs: Math.ceil(steps / 125), engine, out: join(out, 'run') },
    });
    let busy = 0;
    let last: { at: number; epoch: number } | undefined;
    let counted = 0;
    let used = engine as string;
    await train(config, {
      onEvent: (e) => {
        const at = performance.now();
        if (e.status === 'start') used = e.engine;
        if (e.status !== 'step') return;
        if (last && last.epoch === e.epoch) {
          busy += at - last.at;
          counted++;
        }
        last = { at, epoch: e.epoch };
      },
    });
    return { engine: used, stepsPerSecond: (counted * 1000) / busy };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--visits <n>', 'page visits for the first-step time', '5')
    .option('--steps <n>', 'steps of the d2l setup per backend', '2500')
    .option('--no-node', 'skip the Node trainer')
    .parse()
    .opts<{ visits: string; steps: string; node: boolean }>();
  const steps = Number(opts.steps);
  const tmp = mkdtempSync(join(tmpdir(), 'ganforge-pg-bench-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    mkdirSync(join(tmp, 'public'));
    const dist = await buildSite(tmp);
    server = await serveStatic(dist);
    browser = await launchChromium();
    console.log(
      `load average before: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const visits = [];
    for (let i = 0; i < Number(opts.visits); i++)
      visits.push(await firstStep(browser, `${server.url}playground.html`));
    console.log(
      `open → first frame: median ${median(visits.map((v) => v.ready)).toFixed(0)} ms; open → first drawn step: median ${median(visits.map((v) => v.step)).toFixed(0)} ms (${visits.length} visits, fresh context each)`,
    );
    console.log(`d2l setup (batch 8, ${steps} steps) in Chromium:`);
    for (const r of await browserRates(browser, server, steps)) {
      console.log(
        `  ${r.backend}: ${r.wallStepsPerSecond.toFixed(0)} steps/s wall (drawing included), ${r.workerStepsPerSecond.toFixed(0)} steps/s in the worker's steps`,
      );
    }
    if (opts.node) {
      console.log(`d2l setup (batch 8, ${Math.ceil(steps / 125) * 125} steps) in the Node trainer:`);
      for (const engine of ['auto', 'tfjs'] as const) {
        const r = await nodeRate(engine, steps);
        console.log(
          `  --engine=${engine} (${r.engine}): ${r.stepsPerSecond.toFixed(0)} steps/s between step events`,
        );
      }
    }
    console.log(
      `load average after: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await browser?.close();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
