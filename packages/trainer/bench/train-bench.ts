/**
 * Training throughput, side by side with PyTorch in the same run: the project's real training loop
 * (train() with the dcgan28 and mlp presets, batch 64, the bundled Fashion-MNIST 10k split; dcgan64 on
 * 1,024 random 64x64 RGB images, written once as PNGs for our folder loader, while the reference draws
 * its own: a step's arithmetic does not depend on the pixels) against the PyTorch reference
 * bench/reference/train_bench.py at 1 and 2 threads. The reference runs with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE cleared, so its BLAS picks its own kernels as on a user's machine; each of its
 * lines names the kernel set it ran (blas_kernel). Every measurement is its
 * own process (so peak RSS is that run's), ours and PyTorch's interleaved per repetition. Prints one
 * JSON line per measurement, then per model a summary with the ratio ours / PyTorch-best: of the
 * medians, and per repetition against the PyTorch run right after it (same load).
 *
 *   npx nx run trainer:bench [-- --models dcgan28,mlp --reps 3 --engine tfjs --profile]
 *   npx nx run trainer:bench -- --models cgan,wgan-gp --engine onnxruntime,tfjs   (engines side by side)
 *   npx nx run trainer:bench -- --provider webgpu --models dcgan28,dcgan64 --batch 64,256   (GPU vs CPU)
 *
 * --profile adds where a step's time goes: per ONNX operator type for the compiled engine (from
 * onnxruntime's profiler), per TF.js kernel for --engine=tfjs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { initBackend, resolveConfig, train } from '../src/index';

const { values: opts } = parseArgs({
  options: {
    models: { type: 'string', default: 'dcgan28,mlp,dcgan64' },
    reps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1,2' },
    engine: { type: 'string', default: 'auto' },
    provider: { type: 'string', default: 'cpu' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string' },
    'ours-threads': { type: 'string', default: '0' },
    'ours-spin': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    /** Internal: run one measurement of ours in this process and print it. */
    child: { type: 'string' },
    /** Internal: the image folder the child trains dcgan64 on. */
    'data-dir': { type: 'string' },
  },
});

/** The batch sizes timed (each model at each); one measurement's, in a child. */
const BATCHES = opts.batch.split(',').map(Number);
const BATCH = BATCHES[0]!;
/**
 * Timed steps per model at batch 64 (fewer at larger batches, as many images): they fit in the first
 * epoch of the 10k split (no epoch-end work timed). dcgan28 and mlp have PyTorch twins
 * (bench/reference); other presets are timed on our engines only.
 */
const STEPS: Record<string, number> = { dcgan28: 40, mlp: 150, dcgan64: 10 };
const OTHER_STEPS = 30;
const steps = (model: string, batch = BATCH) =>
  opts.steps ? Number(opts.steps) : Math.max(5, Math.round(((STEPS[model] ?? OTHER_STEPS) * 64) / batch));
const warmup = Number(opts.warmup);
/** dcgan64's data: random 64x64 RGB images, enough for warm-up and timed steps at the largest batch. */
const RGB_IMAGES = Math.max(...BATCHES.map((b) => b * (warmup + steps('dcgan64', b))));
const here = dirname(fileURLToPath(import.meta.url));
const reference = join(here, 'reference');

const emit = (o: object) => console.log(JSON.stringify(o));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const load = () => loadavg().map((v) => round(v, 2));

/** Wall time per TF.js kernel (wasm kernels are synchronous, so a wrapper's clock is exact). */
function profileKernels(backendName: string, on: () => boolean): Map<string, { ms: number; calls: number }> {
  const kernelMs = new Map<string, { ms: number; calls: number }>();
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (!on()) return inner(args);
        const t = performance.now();
        const out = inner(args);
        const e = kernelMs.get(config.kernelName) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t;
        e.calls++;
        kernelMs.set(config.kernelName, e);
        return out;
      },
    });
  }
  return kernelMs;
}

/** One measurement of ours, in this (child) process. */
async function child(model: string): Promise<void> {
  const timed = steps(model);
  const out = mkdtempSync(join(tmpdir(), 'ganforge-bench-'));
  const backend = await initBackend();
  let timing = false;
  const kernels = opts.profile && opts.engine === 'tfjs' ? profileKernels(backend, () => timing) : undefined;
  const config = resolveConfig({
    preset: model,
    flags: {
      epochs: 1,
      limit: BATCH * (warmup + timed),
      out,
      seed: 1,
      batchSize: BATCH,
      engine: opts.engine as 'auto',
      provider: opts.provider as 'cpu',
      threads: Number(opts['ours-threads']),
      spin: opts['ours-spin'],
      ...(opts['data-dir'] ? { dataset: opts['data-dir'] } : {}),
    },
  });
  const marks: number[] = [];
  let device: string | undefined;
  try {
    const result = await train(config, {
      overwrite: true,
      profile: opts.profile,
      onEvent: (e) => {
        if (e.status === 'start') device = e.device;
        if (e.status !== 'step') return;
        marks.push(performance.now());
        timing = marks.length >= warmup && marks.length < warmup + timed;
      },
    });
    if (marks.length < warmup + timed) {
      // The run stops at the end of its data (one epoch, so that no epoch-end work is timed).
      throw new Error(
        `${model}: only ${marks.length} steps fit in one epoch of its data at batch ${BATCH}; ` +
          `ask for at most ${Math.max(0, marks.length - warmup)} with --steps (the --warmup steps come first)`,
      );
    }
    const msPerStep = (marks[warmup + timed - 1]! - marks[warmup - 1]!) / timed;
    emit({
      bench: `${model}-train`,
      impl: 'ganforge',
      engine: result.engine,
      ...(result.engine === 'onnxruntime' ? { provider: device } : { backend: result.backend }),
      threads: Number(opts['ours-threads']) || 'all cores',
      spin: opts['ours-spin'],
      batch: BATCH,
      steps: timed,
      img_per_s: round((BATCH * 1000) / msPerStep),
      ms_per_step: round(msPerStep, 2),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      load: load(),
    });
    // The compiled engine's profile covers every run of its session (warm-up included).
    const rows =
      result.profile ??
      [...(kernels ?? [])].map(([op, e]) => ({ op, ms: e.ms, calls: e.calls, runs: timed }));
    if (rows.length) {
      const total = rows.reduce((a, r) => a + r.ms, 0);
      for (const r of rows.sort((a, b) => b.ms - a.ms)) {
        emit({
          profile: r.op,
          ms_per_step: round(r.ms / r.runs, 2),
          share: round(r.ms / total, 3),
          calls_per_step: round(r.calls / r.runs, 1),
        });
      }
      const runs = rows[0]!.runs;
      emit({ profile: 'all operators', ms_per_step: round(total / runs, 1), step_ms: round(msPerStep, 1) });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A folder of random 64x64 RGB PNGs for dcgan64 (ours reads images from a folder). */
async function randomRgbFolder(): Promise<string> {
  const sharp = (await import('sharp')).default;
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-bench-rgb-'));
  const random = seedrandom('dcgan64-bench');
  for (let i = 0; i < RGB_IMAGES; i++) {
    const pixels = Buffer.alloc(64 * 64 * 3);
    for (let k = 0; k < pixels.length; k++) pixels[k] = Math.floor(random() * 256);
    await sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toFile(join(dir, `${String(i).padStart(4, '0')}.png`));
  }
  return dir;
}

let rgbFolder: string | undefined;

/** One setting of ours to time: an engine, and the provider of its compiled step. */
interface Variant {
  engine: string;
  provider: string;
}

function ours(model: string, v: Variant, batch: number, rep: number): Record<string, number> | undefined {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', model];
  args.push('--engine', v.engine, '--provider', v.provider, '--batch', String(batch));
  if (model === 'dcgan64' && rgbFolder) args.push('--data-dir', rgbFolder);
  for (const k of ['ours-threads', 'warmup', 'steps'] as const)
    if (opts[k]) args.push(`--${k}`, String(opts[k]));
  if (opts.profile) args.push('--profile');
  if (opts['ours-spin']) args.push('--ours-spin');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, number>);
  for (const l of lines) emit('profile' in l ? { ...l, rep } : { ...l, rep });
  const m = lines.find((l) => 'img_per_s' in l);
  if (r.status !== 0 || !m) {
    emit({
      bench: `${model}-train`,
      impl: 'ganforge',
      rep,
      // The error's own line where the child threw one, else the end of what it printed.
      error:
        r.stderr.split('\n').find((l) => /^\w*Error: /.test(l)) ??
        r.stderr.trim().split('\n').slice(-3).join(' | '),
    });
    return undefined;
  }
  return m;
}

function pytorch(
  model: string,
  threads: number,
  batch: number,
  rep: number,
): Record<string, number> | undefined {
  const script = join(reference, 'train_bench.py');
  const args = [script, '--model', model, '--steps', String(steps(model, batch)), '--warmup', String(warmup)];
  // The reference at its best: its BLAS picks the kernels for this CPU, as on a user's machine.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('/usr/bin/python3', [...args, '--batch', String(batch), '--threads', String(threads)], {
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) {
    emit({
      bench: `${model}-train`,
      impl: 'pytorch',
      threads,
      rep,
      error: r.stderr.trim().split('\n').at(-1),
    });
    return undefined;
  }
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  emit({ ...m, rep, load: load() });
  return m;
}

function torchAvailable(): string | undefined {
  if (opts['no-torch']) return 'disabled by --no-torch';
  if (!existsSync(join(reference, 'train_bench.py'))) return `no PyTorch reference at ${reference}`;
  if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0)
    return `/usr/bin/python3 cannot import torch (install it with: bash ${join(reference, 'setup.sh')})`;
  return undefined;
}

const HELP = `trainer:bench — training throughput of GANForge and PyTorch, side by side in one run

  --models <list>        presets to time (default dcgan28,mlp,dcgan64; those three against PyTorch, any
                         other on our engines only)
  --reps <n>             repetitions; each is ours, then PyTorch at every thread count (default 3)
  --warmup <n>           untimed steps before the timed ones (default 5)
  --threads <list>       PyTorch thread counts to try (default 1,2)
  --engine <list>        auto, onnxruntime or tfjs (default auto); two, e.g. onnxruntime,tfjs, are timed
                         in turn per repetition and their ratio printed
  --provider <list>      the compiled step's execution provider: cpu (default), webgpu, auto, cuda; any
                         but cpu is timed against cpu in turn per repetition, their ratio printed
  --batch <list>         batch sizes, each model at each (default 64; fewer timed steps at larger ones)
  --steps <n>            timed steps instead of the model's default
  --ours-threads <n>     onnxruntime intra-op threads (default 0: every core)
  --ours-spin            those threads spin between operators (the trainer's --spin; default: sleep)
  --profile              where a step's time goes, per operator or kernel
  --no-torch             ours only
  -h, --help             this text

Prints one JSON line per measurement, then per model a summary: the ratio of our img/s to PyTorch's
best thread setting (of the medians, and paired per repetition), peak RSS of each, the load average.`;

async function main(): Promise<void> {
  if (opts.help) {
    console.log(HELP);
    return;
  }
  if (opts.child) return child(opts.child);
  const skipTorch = torchAvailable();
  if (skipTorch) emit({ impl: 'pytorch', skipped: skipTorch });
  const threadList = opts.threads.split(',').map(Number);
  const providers = opts.provider.split(',');
  // A provider other than the CPU is measured against the CPU on the same machine.
  if (!providers.includes('cpu')) providers.push('cpu');
  const variants = opts.engine
    .split(',')
    .flatMap((engine) => (engine === 'tfjs' ? ['cpu'] : providers).map((provider) => ({ engine, provider })));
  const models = opts.models.split(',');
  if (models.includes('dcgan64')) rgbFolder = await randomRgbFolder();
  try {
    for (const model of models)
      for (const batch of BATCHES) await benchModel(model, batch, variants, threadList, skipTorch);
  } finally {
    if (rgbFolder) rmSync(rgbFolder, { recursive: true, force: true });
  }
}

async function benchModel(
  model: string,
  batch: number,
  variants: Variant[],
  threadList: number[],
  skipTorch: string | undefined,
): Promise<void> {
  const twin = model in STEPS && !skipTorch;
  const mine: Record<string, number>[][] = variants.map(() => []);
  const theirs: Record<string, number>[][] = [];
  for (let rep = 0; rep < Number(opts.reps); rep++) {
    variants.forEach((v, k) => {
      const m = ours(model, v, batch, rep);
      if (m) mine[k]!.push(m);
    });
    if (twin)
      theirs.push(threadList.map((t) => pytorch(model, t, batch, rep)).filter((x) => x !== undefined));
  }
  const cpuOnly = variants.every((v) => v.provider === 'cpu');
  const label = (v: Variant) => (cpuOnly ? v.engine : `${v.engine}/${v.provider}`);
  const first = mine[0]!;
  const oursMedian = median(first.map((m) => m.img_per_s!));
  const byThreads = new Map<number, number[]>();
  for (const rep of theirs)
    for (const m of rep) byThreads.set(m.threads!, [...(byThreads.get(m.threads!) ?? []), m.img_per_s!]);
  let best: { threads: number; img_per_s: number } | undefined;
  for (const [threads, runs] of byThreads) {
    const v = median(runs);
    if (!best || v > best.img_per_s) best = { threads, img_per_s: v };
  }
  // Per repetition: ours against the best PyTorch setting measured right after it.
  const paired = first.map((m, i) => {
    const t = Math.max(0, ...(theirs[i] ?? []).map((x) => x.img_per_s!));
    return t > 0 ? round(m.img_per_s! / t, 3) : null;
  });
  const pairedOk = paired.filter((p): p is number => p !== null);
  // Two engines or providers: the first's img/s over the second's, of the medians and per repetition.
  const other = mine[1];
  const engineRatios = other
    ? first.map((m, i) => (other[i] ? round(m.img_per_s! / other[i]!.img_per_s!, 3) : null))
    : [];
  emit({
    bench: `${model}-train`,
    summary: true,
    batch,
    engine: first[0]?.engine,
    ...(first[0]?.provider ? { provider: first[0].provider } : {}),
    ours_img_per_s: round(oursMedian),
    ours_peak_rss_mb: median(first.map((m) => m.peak_rss_mb!)),
    ...(other
      ? {
          [`${label(variants[1]!)}_img_per_s`]: round(median(other.map((m) => m.img_per_s!))),
          engine_ratio: round(oursMedian / median(other.map((m) => m.img_per_s!)), 3),
          engine_paired_ratios: engineRatios,
        }
      : {}),
    ...(best
      ? {
          pytorch_best_img_per_s: best.img_per_s,
          pytorch_best_threads: best.threads,
          pytorch_img_per_s: Object.fromEntries([...byThreads].map(([t, r]) => [`threads_${t}`, median(r)])),
          pytorch_peak_rss_mb: median(theirs.flat().map((m) => m.peak_rss_mb!)),
          pytorch_blas_kernel: (theirs.flat()[0] as Record<string, unknown> | undefined)?.blas_kernel,
          ratio: round(oursMedian / best.img_per_s, 3),
          paired_ratios: paired,
          paired_median: pairedOk.length ? round(median(pairedOk), 3) : null,
        }
      : {}),
    load: load(),
  });
}

await main();
