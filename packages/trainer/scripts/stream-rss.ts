/**
 * Peak memory of training on an image folder larger than the memory budget, streamed from its decoded
 * cache on disk, against the same folder held in memory.
 *
 *   npx tsx scripts/stream-rss.ts [--images=100000] [--steps=40] [--budget-mb=256] [--modes=stream,stream,memory]
 *
 * It builds a folder of `--images` 64x64 RGB PNGs from the Noto Emoji set (the emoji-datasource-google
 * dev dependency's img/google/64/*.png, composited on white) with seeded random crops and mirror flips,
 * under a new folder in the OS temp folder, with the decoded cache (GANFORGE_CACHE_DIR) beside it. Then,
 * for each of `--modes` in turn, a separate process trains the dcgan64 preset on it for `--steps` steps
 * and reports its peak RSS (process.resourceUsage().maxRSS): `stream` with --data-memory-mb=<budget-mb>
 * (the first one also decodes the folder into the cache), `memory` with a budget above the set's size.
 * Everything it wrote is deleted at the end (--keep keeps it, and --dir=<folder> reuses a kept one).
 * 100,000 images take about 1.2 GB decoded, about 1 GB as PNGs, and minutes to write.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import seedrandom from 'seedrandom';
import sharp from 'sharp';
import { emojiPackageDir } from '../src/data/emoji';
import { resolveConfig, train } from '../src/index';

const SIZE = 64;
/** PNGs written at once. */
const IN_FLIGHT = 8;

const { values: opts } = parseArgs({
  options: {
    images: { type: 'string', default: '100000' },
    steps: { type: 'string', default: '40' },
    'budget-mb': { type: 'string', default: '256' },
    modes: { type: 'string', default: 'stream,stream,memory' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    folder: { type: 'string' },
  },
});

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** One training image: a random square crop of an emoji (half to all of it), maybe mirrored, at 64 px. */
async function variant(src: string, rng: () => number, out: string): Promise<void> {
  const side = Math.round(SIZE * (0.5 + 0.5 * rng()));
  const left = Math.floor(rng() * (SIZE - side + 1));
  const top = Math.floor(rng() * (SIZE - side + 1));
  let img = sharp(src)
    .flatten({ background: '#ffffff' })
    .extract({ left, top, width: side, height: side })
    .resize(SIZE, SIZE);
  if (rng() < 0.5) img = img.flop();
  await img.png({ compressionLevel: 1 }).toFile(out);
}

/** Writes `count` variants into `folder` (those already there are kept: a stopped build continues). */
async function buildFolder(folder: string, count: number): Promise<void> {
  const srcDir = join(emojiPackageDir(), 'img', 'google', `${SIZE}`);
  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => join(srcDir, f));
  mkdirSync(folder, { recursive: true });
  const have = new Set(readdirSync(folder));
  const t0 = performance.now();
  let next = 0;
  let written = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const name = `${String(i).padStart(6, '0')}.png`;
      if (have.has(name)) continue;
      // Seeded per image: the same folder whatever order the writers run in.
      const rng = seedrandom.alea(`stream-rss:${i}`);
      await variant(sources[Math.floor(rng() * sources.length)]!, rng, join(folder, name));
      if (++written % 10_000 === 0) console.error(`  ${written} PNGs written`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const sec = (performance.now() - t0) / 1000;
  console.log(`folder: ${count} PNGs in ${folder} (${written} written in ${sec.toFixed(0)} s)`);
}

/** The child: one training run on `folder`, its figures as one JSON line. */
async function child(mode: string, folder: string): Promise<void> {
  const steps = Number(opts.steps);
  const budget = mode === 'memory' ? 1e6 : Number(opts['budget-mb']);
  const out = mkdtempSync(join(tmpdir(), 'stream-rss-run-'));
  const t0 = performance.now();
  const controller = new AbortController();
  const figures: Record<string, unknown> = { mode, dataMemoryMb: budget };
  let trainStart = 0;
  let decodeShown = 0;
  try {
    const config = resolveConfig({
      flags: { preset: 'dcgan64', dataset: folder, dataMemoryMb: budget, out, seed: 1 },
    });
    const result = await train(config, {
      overwrite: true,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.status === 'decode' && performance.now() - decodeShown > 10_000) {
          decodeShown = performance.now();
          console.error(
            `  decoded ${e.progress.done}/${e.progress.total} (${e.progress.perSec.toFixed(0)}/s)`,
          );
        }
        if (e.status === 'start') {
          trainStart = performance.now();
          Object.assign(figures, {
            where: e.data.where,
            dataMb: mb(e.data.bytes),
            loadSec: +((trainStart - t0) / 1000).toFixed(1),
            rssAtStartMb: mb(process.memoryUsage().rss),
          });
        }
        if (e.status === 'step' && e.step >= steps) controller.abort();
      },
    });
    Object.assign(figures, {
      steps: result.steps,
      secPerStep: +((performance.now() - trainStart) / 1000 / result.steps).toFixed(2),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(JSON.stringify(figures));
}

/** Runs one mode in a process of its own (so its peak RSS is its own), with the cache in `cacheDir`. */
function runMode(mode: string, folder: string, cacheDir: string): Record<string, unknown> {
  const script = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, script, '--child', mode, '--folder', folder];
  for (const k of ['steps', 'budget-mb'] as const) args.push(`--${k}=${opts[k]}`);
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, GANFORGE_CACHE_DIR: cacheDir },
    maxBuffer: 1 << 26,
  });
  const line = r.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`${mode} run failed (exit ${r.status}):\n${r.stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

async function main(): Promise<void> {
  if (opts.child) return child(opts.child, opts.folder!);
  const root = opts.dir ?? mkdtempSync(join(tmpdir(), 'stream-rss-'));
  const folder = join(root, 'images');
  const cacheDir = join(root, 'cache');
  try {
    await buildFolder(folder, Number(opts.images));
    const rows: Record<string, unknown>[] = [];
    for (const mode of opts.modes.split(',')) {
      const cached = existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.json'));
      console.error(`${mode}: training ${opts.steps} steps${cached ? '' : ' (decoding first)'}…`);
      const row = runMode(mode, folder, cacheDir);
      console.log(JSON.stringify(row));
      rows.push(row);
    }
    console.table(rows);
  } finally {
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
    else console.log(`kept ${root}`);
  }
}

await main();
