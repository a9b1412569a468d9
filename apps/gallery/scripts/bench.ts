/**
 * Gallery benchmark in headless Chromium against real runs: builds the site, serves it on localhost and
 * measures
 *   - first visit: time from navigation to the first generated image (a fresh browser context each time,
 *     so nothing is cached), with the site's pre-compressed files and without (visits alternate), where
 *     the time went (the ganforge:* marks the page and its worker record), and the bytes that visit
 *     downloads, as sent and uncompressed; then how long the service worker takes to save the site for
 *     offline use and what that downloads on top;
 *   - per-image generate time in the worker at batch 1 and at the grid's batch (median over repeats).
 * With --screenshots <dir>, also saves a model page and its training timeline as PNG.
 *
 *   tsx scripts/bench.ts [--runs <dir>] [--run <name>] [--visits <n>] [--repeats <n>] [--screenshots <dir>]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium, serveStatic, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from './content-types';
import { buildSite } from '../e2e/site';
import { runFiles, thumbnails, type Manifest, type ManifestRun } from '../src/manifest';
import { buildManifest } from './build-manifest';

const appDir = resolve(fileURLToPath(import.meta.url), '../..');
const GRID = 64;

class BenchError extends Error {
  override name = 'BenchError';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function ready(page: Page, seed: number, count: number): Promise<number> {
  const sel = `.output[data-state="ready"][data-seed="${seed}"][data-count="${count}"]`;
  await page.waitForSelector(sel, { timeout: 60_000 });
  return Number(await page.getAttribute(sel, 'data-generate-ms'));
}

/** Waits until the service worker controls the page and has saved these files (paths under models/). */
async function offlineSaved(page: Page, files: string[]): Promise<void> {
  const wanted = files.map((f) => `/models/${f}`);
  const deadline = Date.now() + 60_000;
  // Polled with evaluate: waitForFunction would take an async predicate's promise for a truthy answer.
  while (
    !(await page.evaluate(async (paths) => {
      if (!navigator.serviceWorker.controller) return false;
      const cache = await caches.open('ganforge-runs');
      const saved = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
      return paths.every((p) => saved.has(p));
    }, wanted))
  ) {
    if (Date.now() > deadline) throw new BenchError('the service worker did not save the run within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a model page saves for offline use: the run's files and every run's thumbnail. */
function offlineFiles(manifest: Manifest, run: ManifestRun): string[] {
  return [...runFiles(run), ...thumbnails(manifest)];
}

/** One cold visit straight to the model page: ms to the first image, and what it downloaded. */
async function firstVisit(browser: Browser, server: StaticServer, run: string, offlineSet: string[]) {
  server.log.length = 0;
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}#/model/${encodeURIComponent(run)}?seed=0`);
  await ready(page, 0, GRID);
  // Every ganforge:* mark and measure the page and its worker recorded (see recordLoad in
  // src/pages/model/loading.ts), plus the navigation's own milestones.
  const timeline = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const own = performance
      .getEntries()
      .filter((e) => e.name.startsWith('ganforge:'))
      .map((e) => ({ name: e.name.slice('ganforge:'.length), start: e.startTime, duration: e.duration }));
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e) => /\/assets\/.*\.js$/.test(e.name))
      .map((e) => ({
        name: `fetch ${new URL(e.name).pathname.split('/').pop() ?? ''}`,
        start: e.startTime,
        duration: (e as PerformanceResourceTiming).responseEnd - e.startTime,
      }));
    const navigation = nav
      ? [
          { name: 'html received', start: nav.responseEnd, duration: 0 },
          { name: 'DOMContentLoaded', start: nav.domContentLoadedEventStart, duration: 0 },
        ]
      : [];
    return [...navigation, ...scripts, ...own].sort((a, b) => a.start - b.start);
  });
  const ms = timeline.find((e) => e.name === 'first-image')?.start ?? NaN;
  // Then the service worker saves the site for offline use: when that is done, and what it downloads.
  await offlineSaved(page, offlineSet);
  const firstImageAt = (await page.evaluate(() => performance.timeOrigin)) + ms;
  const offline = {
    ms: Date.now() - firstImageAt,
    bytes: server.log.filter((r) => r.at > firstImageAt),
  };
  const bytes = server.log.filter((r) => r.at <= firstImageAt);
  await context.close();
  if (errors.length > 0) throw new BenchError(`the page logged errors: ${errors.join(' | ')}`);
  return { ms, bytes, timeline, offline };
}

async function generateTimes(page: Page, run: string, count: number, repeats: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const seed = 1000 + i;
    await page.evaluate(
      (hash) => (location.hash = hash),
      `#/model/${encodeURIComponent(run)}?seed=${seed}${count === GRID ? '' : `&n=${count}`}`,
    );
    const ms = await ready(page, seed, count);
    if (i > 0) times.push(ms); // the first call after a page load warms the session up
  }
  return times;
}

async function screenshots(browser: Browser, server: StaticServer, run: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1000, height: 1100 } });
  const page = await context.newPage();
  // Reduced motion: the walk does not autoplay, so the picture is the same every time.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`${server.url}#/model/${encodeURIComponent(run)}?seed=7&a=3&b=12`);
  await ready(page, 7, GRID);
  await page.waitForSelector('.walk-frame[data-state="ready"]');
  await page.locator('#walk-frame').fill('12');
  await page.waitForSelector('.chart .uplot');
  await page.evaluate(() => window.scrollTo(0, 0));
  const save = async (name: string, png: Buffer) => {
    // Palette PNGs: a few tens of KiB for these flat pictures.
    const small = await sharp(png).png({ palette: true, colours: 64, effort: 10 }).toBuffer();
    writeFileSync(join(dir, name), small);
    console.log(`screenshot: ${join(dir, name)} (${(small.length / 1024).toFixed(1)} KiB)`);
  };
  await save('model-page.png', await page.screenshot());
  await page.locator('#epoch').fill('2');
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('.timeline-frame');
    return !!img && img.complete && img.naturalWidth > 0;
  });
  await save('timeline.png', await page.locator('.training').screenshot());
  await context.close();
}

interface BenchOptions {
  runs: string;
  run?: string;
  repeats: number;
  visits: number;
  screenshots?: string;
}

function parseOptions(argv: string[]): BenchOptions {
  const workspaceRoot = process.env.NX_WORKSPACE_ROOT ?? resolve(appDir, '../..');
  const opts = new Command()
    .name('gallery-bench')
    .description('Time the gallery in headless Chromium against real runs')
    .option('--runs <dir>', 'folder holding the run directories', join(workspaceRoot, 'runs'))
    .option('--run <name>', 'run to open (default: the demo image run, else the first image run)')
    .option('--repeats <n>', 'generations per batch size', (v) => Number.parseInt(v, 10), 20)
    .option(
      '--visits <n>',
      'cold first visits, with and again without compression',
      (v) => Number.parseInt(v, 10),
      3,
    )
    .option('--screenshots <dir>', 'also save screenshots of the model page and the timeline here')
    .parse(argv)
    .opts<BenchOptions>();
  if (!Number.isInteger(opts.repeats) || opts.repeats < 1)
    throw new BenchError('--repeats must be a whole number >= 1');
  if (!Number.isInteger(opts.visits) || opts.visits < 1)
    throw new BenchError('--visits must be a whole number >= 1');
  return opts;
}

/** The run to time: the one named, else the demo image run (what gallery:bench exports), else the first image run. */
function pickRun(manifest: Manifest, opts: BenchOptions): ManifestRun {
  // Only exported runs have a generator to time.
  const exported = manifest.runs.filter((r) => r.files.onnx);
  const run = opts.run
    ? exported.find((r) => r.name === opts.run)
    : (exported.find((r) => r.card.output.kind === 'image' && r.name.startsWith('demo-')) ??
      exported.find((r) => r.card.output.kind === 'image'));
  if (!run) {
    throw new BenchError(
      `${opts.run ? `run "${opts.run}" is not` : 'no image run is'} exported in ${resolve(opts.runs)}: run npx nx run exporter:export-demo first`,
    );
  }
  return run;
}

type Visit = Awaited<ReturnType<typeof firstVisit>>;

/** Cold visits alternate between a server that sends the pre-compressed copies (.br) and one that
 * sends every file as is, so that both are timed under the same machine load. */
async function coldVisits(
  browser: Browser,
  server: StaticServer,
  manifest: Manifest,
  run: ManifestRun,
  n: number,
) {
  const visits: Record<'compressed' | 'uncompressed', Visit[]> = { compressed: [], uncompressed: [] };
  for (let i = 0; i < n; i++) {
    for (const mode of i % 2
      ? (['uncompressed', 'compressed'] as const)
      : (['compressed', 'uncompressed'] as const)) {
      server.precompressed = mode === 'compressed';
      visits[mode].push(await firstVisit(browser, server, run.name, offlineFiles(manifest, run)));
    }
  }
  server.precompressed = true;
  return visits;
}

function reportVisits(visits: Record<'compressed' | 'uncompressed', Visit[]>): void {
  for (const [mode, list] of Object.entries(visits)) {
    const firstMs = list.map((v) => v.ms);
    console.log(
      `first visit (${mode}), navigation to first generated image: median ${median(firstMs).toFixed(0)} ms ` +
        `(${firstMs.map((m) => m.toFixed(0)).join(', ')} ms over ${list.length} cold visits)`,
    );
  }
  for (const [mode, list] of Object.entries(visits)) {
    for (const [i, v] of list.entries()) {
      const kib = v.offline.bytes.reduce((a, f) => a + f.sent, 0) / 1024;
      console.log(
        `  ${mode} visit ${i + 1}: saved for offline use by ${v.offline.ms.toFixed(0)} ms after the first image, ` +
          `downloading ${kib.toFixed(1)} KiB more (${v.offline.bytes.map((f) => f.path).join(' ') || 'nothing'})`,
      );
    }
  }
  for (const [i, v] of visits.compressed.entries()) {
    console.log(`  compressed visit ${i + 1} (ms since navigation start):`);
    for (const e of v.timeline) {
      const end =
        e.duration > 0
          ? `-${(e.start + e.duration).toFixed(0).padStart(5)} (${e.duration.toFixed(0)} ms)`
          : '';
      console.log(`    ${e.start.toFixed(0).padStart(5)}${end.padEnd(20)} ${e.name}`);
    }
  }
  const fetched = visits.compressed[0]?.bytes ?? [];
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  const sum = (key: 'sent' | 'raw', models: boolean | null) =>
    fetched
      .filter((f) => models === null || f.path.startsWith('/models/') === models)
      .reduce((a, f) => a + f[key], 0);
  console.log(
    `first visit download: ${mib(sum('sent', null))} transferred, ${mib(sum('raw', null))} uncompressed, in ${fetched.length} files ` +
      `(site + runtime ${mib(sum('sent', false))} / ${mib(sum('raw', false))}, this run's files ${mib(sum('sent', true))} / ${mib(sum('raw', true))})`,
  );
  for (const f of [...fetched].sort((x, y) => y.raw - x.raw)) {
    const packed = f.sent === f.raw ? '' : `  (${(f.sent / 1024).toFixed(1)} KiB sent)`;
    console.log(`  ${(f.raw / 1024).toFixed(1).padStart(9)} KiB  ${f.path}${packed}`);
  }
}

/** Per-image generate time at batch 1 and at the grid's batch, on a page whose offline save is done. */
async function timeGeneration(
  browser: Browser,
  server: StaticServer,
  manifest: Manifest,
  run: ManifestRun,
  repeats: number,
): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}#/model/${encodeURIComponent(run.name)}?seed=0`);
  await ready(page, 0, GRID);
  // Time generation once the service worker has finished saving, not while it writes its caches.
  await offlineSaved(page, offlineFiles(manifest, run));
  const one = await generateTimes(page, run.name, 1, repeats);
  const grid = await generateTimes(page, run.name, GRID, repeats);
  console.log(
    `generate, batch 1: median ${median(one).toFixed(2)} ms per image ` +
      `(min ${Math.min(...one).toFixed(2)}, max ${Math.max(...one).toFixed(2)}, ${one.length} runs)`,
  );
  console.log(
    `generate, batch ${GRID}: median ${(median(grid) / GRID).toFixed(3)} ms per image, ${median(grid).toFixed(2)} ms per batch ` +
      `(min ${Math.min(...grid).toFixed(2)}, max ${Math.max(...grid).toFixed(2)}, ${grid.length} runs)`,
  );
  await context.close();
}

async function main(argv: string[]): Promise<void> {
  const opts = parseOptions(argv);
  const tmp = mkdtempSync(join(tmpdir(), 'gallery-bench-'));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    const manifest = buildManifest({ runsDir: resolve(opts.runs), outDir: join(tmp, 'public', 'models') });
    const run = pickRun(manifest, opts);
    await buildSite(tmp);
    server = await serveStatic(join(tmp, 'dist'), { types: CONTENT_TYPES });
    browser = await launchChromium();
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(`run ${run.name} (${run.card.preset}), load average ${load}`);
    reportVisits(await coldVisits(browser, server, manifest, run, opts.visits));
    await timeGeneration(browser, server, manifest, run, opts.repeats);
    if (opts.screenshots) await screenshots(browser, server, run.name, resolve(opts.screenshots));
  } finally {
    await browser?.close();
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main(process.argv).catch((e: unknown) => {
  if (e instanceof BenchError) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
  throw e;
});
