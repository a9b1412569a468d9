/**
 * Playground benchmark: builds the site, serves it on localhost and, in headless Chromium, measures
 *   - time from opening the playground to its first drawn frame (models built, step 0 drawn) and to the
 *     first drawn training step (One step pressed as soon as the page is ready), median over visits;
 *   - steps per second of the d2l setup (the trainer's gaussian2d preset: 2,500 steps, batch 8) on each
 *     TF.js backend the browser offers, at the fastest speed setting (200 steps per drawn frame): wall
 *     time over all steps, drawing included, and the worker's time in steps alone;
 * and, next to it, the Node trainer on the same setup (`train` with --preset=gaussian2d), with its
 * default engine and with the TF.js engine, counting the time between step events (epoch ends excluded).
 * Image mode the same way: open → first frame and first drawn step of the DCGAN-28 page (`#preset=fashion`:
 * batch 64 of the first 2,000 Fashion-MNIST test images), and steps per second of it and of the MLP GAN
 * (`#preset=fashion-mlp`) on the compiled step (onnxruntime-web: a thread per core on the site served
 * cross-origin isolated, as the gallery's servers serve it, and one thread on the same site served
 * without the headers) and on TF.js's wasm backend (`--image-webgl` adds WebGL: in headless Chromium it
 * is SwiftShader, software, and 30 DCGAN steps took over 7 minutes; the cpu backend takes seconds a DCGAN
 * step), next to the Node trainer on the same networks, data and batch (`--preset=dcgan28|mlp
 * --limit=2000`), and the ratio of the page's compiled step to the Node trainer's (worker's steps / Node's).
 * `--image-webgpu` adds the compiled step on WebGPU, in a Chromium started with the GPU on and
 * `--enable-unsafe-webgpu` (plus `--chromium-arg`s, e.g. `--use-webgpu-adapter=swiftshader` where there is
 * no GPU: software, a DCGAN-28 step of batch 64 takes over a minute).
 *
 *   tsx scripts/playground-bench.ts [--visits <n>] [--steps <n>] [--image-steps <n>] [--image-webgl]
 *                                   [--image-webgpu] [--chromium-arg <flag>]… [--no-node] [--no-points]
 *                                   [--no-images]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Browser, Page } from 'playwright-core';
import { resolveConfig, train } from '@ganforge/trainer';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from './content-types';
import { CROSS_ORIGIN_ISOLATION } from './isolation';
import { buildSite } from '../e2e/site';
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
  await page.waitForSelector('#pg-play:not([disabled])', { timeout: 300_000 });
  const ready = await page.evaluate(() => performance.now());
  await page.click('#pg-step-once');
  await page.waitForFunction(() => Number(document.getElementById('app')!.dataset.step) >= 1, null, {
    polling: 'raf',
    timeout: 300_000,
  });
  const step = await page.evaluate(() => performance.now());
  await context.close();
  return { ready, step };
}

interface BrowserRate {
  backend: string;
  wallStepsPerSecond: number;
  workerStepsPerSecond: number;
  /** Image mode: the last class-coverage reading's time. */
  coverageMs?: number;
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
      ...(last.coverage ? { coverageMs: last.coverage.ms } : {}),
    };
  }, steps);
}

async function browserRates(
  browser: Browser,
  server: StaticServer,
  steps: number,
  preset = 'd2l',
  backends = ['wasm', 'webgl', 'cpu'],
): Promise<BrowserRate[]> {
  const out: BrowserRate[] = [];
  for (const backend of backends) {
    const page = await browser.newPage();
    await page.goto(`${server.url}playground.html#preset=${preset}&backend=${backend}`);
    const ok = await Promise.race([
      page.waitForSelector('#pg-play:not([disabled])', { timeout: 300_000 }).then(() => true),
      page.waitForSelector('#pg-error:not([hidden])', { timeout: 300_000 }).then(() => false),
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

/** The Node trainer's steps per second on the d2l setup (or image mode's), between step events. */
async function nodeRate(
  engine: 'auto' | 'tfjs',
  steps: number,
  setup: { preset: string; stepsPerEpoch: number; limit?: number } = {
    preset: 'gaussian2d',
    stepsPerEpoch: 125,
  },
): Promise<{ engine: string; stepsPerSecond: number }> {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-pg-bench-node-'));
  try {
    const config = resolveConfig({
      flags: {
        preset: setup.preset,
        seed: 1,
        epochs: Math.ceil(steps / setup.stepsPerEpoch),
        engine,
        out: join(out, 'run'),
        ...(setup.limit ? { limit: setup.limit, maxMinutes: 0, evalEvery: 0 } : {}),
      },
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

interface ImageOptions {
  visits: string;
  imageSteps: string;
  imageWebgl?: boolean;
  node: boolean;
}

const IMAGE_SETUPS = [
  ['fashion', 'DCGAN-28', 'dcgan28'],
  ['fashion-mlp', 'MLP GAN 256-512 / 512-256', 'mlp'],
] as const;

const fixed = (x: number) => x.toFixed(2);

/**
 * Image mode: open → first frame of the DCGAN page; then for each network the page's steps per second
 * on the compiled step (a thread per core on the isolated server, one on the plain one) and on TF.js,
 * the Node trainer's beside them, and the ratios to the Node trainer's compiled step.
 */
async function imageBench(
  browser: Browser,
  servers: { isolated: StaticServer; plain: StaticServer },
  opts: ImageOptions,
  /** A Chromium with the GPU on, where the compiled step is timed on WebGPU too. */
  gpuBrowser?: Browser,
): Promise<void> {
  const imageSteps = Number(opts.imageSteps);
  const visits = [];
  for (let i = 0; i < Math.min(3, Number(opts.visits)); i++)
    visits.push(await firstStep(browser, `${servers.isolated.url}playground.html#preset=fashion`));
  console.log(
    `image mode (DCGAN-28, batch 64, 2,000 images): open → first frame: median ${median(visits.map((v) => v.ready)).toFixed(0)} ms; open → first drawn step: median ${median(visits.map((v) => v.step)).toFixed(0)} ms (${visits.length} visits; auto first times the compiled step and TF.js wasm at batch 64, the data streams in and the classifier scores step 0)`,
  );
  for (const [preset, name, nodePreset] of IMAGE_SETUPS) {
    console.log(`${name} (batch 64, first 2,000 test images, ${imageSteps} steps) in Chromium:`);
    const backends = ['compiled', 'wasm', ...(opts.imageWebgl ? ['webgl'] : [])];
    const rows = [
      ...(await browserRates(browser, servers.isolated, imageSteps, preset, backends)),
      // The same site without the isolation headers: onnxruntime-web on one thread.
      ...(await browserRates(browser, servers.plain, imageSteps, preset, ['compiled'])),
      ...(gpuBrowser ? await browserRates(gpuBrowser, servers.isolated, imageSteps, preset, ['webgpu']) : []),
    ];
    for (const r of rows) {
      console.log(
        `  ${r.backend}: ${fixed(r.wallStepsPerSecond)} steps/s wall (drawing included), ${fixed(r.workerStepsPerSecond)} steps/s in the worker's steps; class coverage of 500 samples ${r.coverageMs?.toFixed(0) ?? '–'} ms`,
      );
    }
    if (!opts.node) continue;
    console.log(`${name} (batch 64, --limit=2000) in the Node trainer (${availableParallelism()} threads):`);
    let nodeCompiled = NaN;
    for (const engine of ['auto', 'tfjs'] as const) {
      const r = await nodeRate(engine, imageSteps, { preset: nodePreset, stepsPerEpoch: 31, limit: 2000 });
      if (r.engine === 'onnxruntime') nodeCompiled = r.stepsPerSecond;
      console.log(
        `  --engine=${engine} (${r.engine}): ${fixed(r.stepsPerSecond)} steps/s between step events`,
      );
    }
    const ratios = rows.map((r) => `${r.backend} ${fixed(r.workerStepsPerSecond / nodeCompiled)}`);
    console.log(
      `  ratio to the Node trainer's compiled step (worker's steps / Node's): ${ratios.join('; ')}`,
    );
  }
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--visits <n>', 'page visits for the first-step time', '5')
    .option('--steps <n>', 'steps of the d2l setup per backend', '2500')
    .option('--image-steps <n>', 'steps of each image setup per backend', '60')
    .option('--image-webgl', 'also time image mode on WebGL')
    .option('--image-webgpu', "also time image mode's compiled step on WebGPU (Chromium with the GPU on)")
    .option(
      '--chromium-arg <flag>',
      'a flag for the WebGPU Chromium (repeatable), e.g. --chromium-arg=--use-webgpu-adapter=swiftshader',
      (flag: string, all: string[]) => [...all, flag],
      [] as string[],
    )
    .option('--no-node', 'skip the Node trainer')
    .option('--no-points', 'skip 2-D mode')
    .option('--no-images', 'skip image mode')
    .parse()
    .opts<{
      visits: string;
      steps: string;
      imageSteps: string;
      imageWebgl?: boolean;
      imageWebgpu?: boolean;
      chromiumArg: string[];
      node: boolean;
      points: boolean;
      images: boolean;
    }>();
  const steps = Number(opts.steps);
  const tmp = mkdtempSync(join(tmpdir(), 'ganforge-pg-bench-'));
  let server: StaticServer | undefined;
  let plain: StaticServer | undefined;
  let browser: Browser | undefined;
  let gpuBrowser: Browser | undefined;
  try {
    mkdirSync(join(tmp, 'public'));
    const dist = await buildSite(tmp);
    // Cross-origin isolated, as the gallery's servers serve it (the compiled step gets its threads).
    server = await serveStatic(dist, { types: CONTENT_TYPES, headers: CROSS_ORIGIN_ISOLATION });
    browser = await launchChromium();
    console.log(
      `load average before: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    if (opts.points) {
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
    }
    if (opts.images) {
      plain = await serveStatic(dist, { types: CONTENT_TYPES });
      if (opts.imageWebgpu)
        gpuBrowser = await launchChromium({
          gpu: true,
          args: ['--enable-unsafe-webgpu', ...opts.chromiumArg],
        });
      await imageBench(browser, { isolated: server, plain }, opts, gpuBrowser);
    }
    console.log(
      `load average after: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await browser?.close();
    await gpuBrowser?.close();
    await server?.close();
    await plain?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
