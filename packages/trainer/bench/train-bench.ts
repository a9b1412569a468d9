/**
 * DCGAN-28 training throughput: the project's real training step (train() with the dcgan28 preset,
 * batch 64, the bundled Fashion-MNIST 10k split) against the PyTorch reference of ../shared/bench at
 * 1 and 2 threads, interleaved in the same run. Prints one JSON line per measurement, then a summary
 * line with the ratio ours / PyTorch-best (medians over the repetitions).
 *
 *   npx nx run trainer:bench [-- --steps 20 --warmup 3 --reps 3 --profile]
 *
 * --conv=xnnpack runs the wasm convolutions without onnxruntime; --ort-threads sets its intra-op threads.
 * --profile also times every wasm kernel call during the measured steps and prints the split.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, resolveConfig, train } from '../src/index';
import { ortConvActive, setOrtConv } from '../src/kernels/index';

const { values: opts } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    reps: { type: 'string', default: '3' },
    'torch-steps': { type: 'string', default: '30' },
    threads: { type: 'string', default: '1,2' },
    profile: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    conv: { type: 'string', default: 'onnxruntime' },
    'ort-threads': { type: 'string', default: process.env.GANFORGE_ORT_THREADS ?? '1' },
  },
});

const BATCH = 64;
const steps = Number(opts.steps);
const warmup = Number(opts.warmup);
const reps = Number(opts.reps);
const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = resolve(here, '../../..');
const sharedBench = resolve(workspaceRoot, '../shared/bench');

const emit = (o: object) => console.log(JSON.stringify(o));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);

/** Per-kernel wall time (wasm kernels are synchronous, so a wrapper's clock is exact). */
const kernelMs = new Map<string, { ms: number; calls: number }>();
let profiling = false;
function installProfiler(backendName: string): void {
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (!profiling) return inner(args);
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
}

async function ours(rep: number): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'ganforge-bench-'));
  const config = resolveConfig({
    preset: 'dcgan28',
    flags: { epochs: 1, limit: BATCH * (warmup + steps), out, seed: rep + 1 },
  });
  const marks: number[] = [];
  try {
    const result = await train(config, {
      overwrite: true,
      onEvent: (e) => {
        if (e.status !== 'step') return;
        marks.push(performance.now());
        // Kernels are timed over the measured steps only.
        profiling = opts.profile && marks.length >= warmup && marks.length < warmup + steps;
      },
    });
    profiling = false;
    const msPerStep = (marks[warmup + steps - 1]! - marks[warmup - 1]!) / steps;
    const imgPerS = (BATCH * 1000) / msPerStep;
    emit({
      bench: 'dcgan28-train',
      impl: 'ganforge',
      backend: result.backend,
      conv: convRoute,
      rep,
      batch: BATCH,
      steps,
      img_per_s: Math.round(imgPerS * 10) / 10,
      ms_per_step: Math.round(msPerStep * 10) / 10,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      tensors_after: tf.memory().numTensors,
      load: load(),
    });
    return imgPerS;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Runs the PyTorch reference script; peak RSS comes from the child's own getrusage. */
function pytorch(threads: number, rep: number): number | undefined {
  const script = join(sharedBench, 'torch_dcgan_train.py');
  const wrapper = [
    'import sys, runpy, resource, json',
    `sys.path.insert(0, ${JSON.stringify(sharedBench)})`,
    `sys.argv = [${JSON.stringify(script)}, '--steps', '${opts['torch-steps']}', '--batch', '${BATCH}', '--threads', '${threads}']`,
    `runpy.run_path(${JSON.stringify(script)}, run_name='__main__')`,
    'print(json.dumps({"peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', wrapper], { encoding: 'utf8' });
  if (r.status !== 0) {
    emit({
      bench: 'dcgan28-train',
      impl: 'pytorch',
      threads,
      rep,
      error: r.stderr.trim().split('\n').at(-1),
    });
    return undefined;
  }
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);
  const m = lines.find((l) => 'img_per_s' in l)!;
  const rss = lines.find((l) => 'peak_rss_kb' in l)?.peak_rss_kb ?? 0;
  emit({
    bench: 'dcgan28-train',
    impl: 'pytorch',
    rep,
    batch: BATCH,
    threads,
    steps: Number(opts['torch-steps']),
    img_per_s: m.img_per_s,
    ms_per_step: m.ms_per_step,
    peak_rss_mb: Math.round(rss / 1024),
    load: load(),
  });
  return m.img_per_s;
}

function torchAvailable(): string | undefined {
  if (opts['no-torch']) return 'disabled by --no-torch';
  if (!existsSync(join(sharedBench, 'torch_dcgan_train.py'))) return `no PyTorch reference at ${sharedBench}`;
  if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0)
    return `/usr/bin/python3 cannot import torch (install it with bash ${join(sharedBench, 'setup-reference.sh')})`;
  return undefined;
}

const backend = await initBackend();
setOrtConv(opts.conv !== 'xnnpack', Number(opts['ort-threads']));
const convRoute =
  backend === 'wasm' ? (ortConvActive() ? `onnxruntime x${opts['ort-threads']}` : 'xnnpack') : backend;
if (opts.profile) installProfiler(backend);
const skipTorch = torchAvailable();
if (skipTorch) emit({ bench: 'dcgan28-train', impl: 'pytorch', skipped: skipTorch });
const threadList = opts.threads.split(',').map(Number);
const ourRuns: number[] = [];
const torchRuns = new Map<number, number[]>(threadList.map((t) => [t, []]));
for (let rep = 0; rep < reps; rep++) {
  ourRuns.push(await ours(rep));
  if (!skipTorch)
    for (const t of threadList) {
      const v = pytorch(t, rep);
      if (v !== undefined) torchRuns.get(t)!.push(v);
    }
}
const oursMedian = median(ourRuns);
// Per repetition: ours against the best PyTorch setting measured right after it (same load).
const paired = ourRuns.map((v, rep) => {
  const t = Math.max(...[...torchRuns.values()].map((r) => r[rep] ?? 0));
  return t > 0 ? Math.round((v / t) * 1000) / 1000 : null;
});
let best: { threads: number; img_per_s: number } | undefined;
for (const [threads, runs] of torchRuns) {
  if (!runs.length) continue;
  const m = median(runs);
  if (!best || m > best.img_per_s) best = { threads, img_per_s: m };
}
emit({
  bench: 'dcgan28-train',
  summary: true,
  backend,
  conv: convRoute,
  ours_img_per_s: Math.round(oursMedian * 10) / 10,
  ours_ms_per_step: Math.round(((BATCH * 1000) / oursMedian) * 10) / 10,
  ...(best
    ? {
        pytorch_best_img_per_s: best.img_per_s,
        pytorch_best_threads: best.threads,
        pytorch_img_per_s: Object.fromEntries([...torchRuns].map(([t, r]) => [`threads_${t}`, median(r)])),
        ratio: Math.round((oursMedian / best.img_per_s) * 1000) / 1000,
        paired_ratios: paired,
      }
    : {}),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  load: load(),
});
if (opts.profile) {
  const measured = reps * steps;
  const total = [...kernelMs.values()].reduce((a, e) => a + e.ms, 0);
  const rows = [...kernelMs].sort((a, b) => b[1].ms - a[1].ms);
  for (const [kernel, e] of rows) {
    emit({
      profile: kernel,
      ms_per_step: Math.round((e.ms / measured) * 100) / 100,
      share: Math.round((e.ms / total) * 1000) / 1000,
      calls_per_step: Math.round((e.calls / measured) * 10) / 10,
    });
  }
  emit({ profile: 'all kernels', ms_per_step: Math.round((total / measured) * 10) / 10 });
}
