/**
 * `npx nx run inference:bench`: DCGAN-28 generator throughput, in one run, on one ONNX model:
 *   - the SDK's `sample({ count, seed })` (latents drawn, pixels mapped to [0, 1]),
 *   - a bare onnxruntime-node `session.run` doing what a user minimally does per call: wrap prepared
 *     latents in an input tensor, run, read the output array; with default session options and with
 *     the SDK's (DEFAULT_SESSION_OPTIONS: the latter isolates the SDK's own overhead),
 *   - PyTorch eager (packages/trainer/bench/reference/generator_infer.py), when /usr/bin/python3 has torch,
 * at batch 1 and 64; then memory over 1,000 SDK calls. Prints JSON lines, then the ratios.
 *
 * The model: the trainer's DCGAN-28 generator (its PyTorch twin: packages/trainer/bench/reference/models.py),
 * built with TF.js layers and exported by the `ganforge export generator` CLI. It runs in a separate
 * process and the model is built with @tensorflow/tfjs directly, so this package imports neither the
 * exporter nor the trainer (both depend on this package); the PyTorch script is only run, by path.
 *
 * Each round runs PyTorch, then the SDK and onnxruntime in alternating 250 ms blocks; ratios are taken
 * within a round (same machine load) and the median over rounds is reported.
 *
 * Flags: --seconds <s> per measurement (default 2), --rounds <n> (default 5; the median round counts),
 * --threads <n> for onnxruntime and PyTorch (default: all cores), --model <file.onnx> to measure a
 * given DCGAN-28 ONNX instead of exporting one, --keep-model <path> to keep the exported one.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SESSION_OPTIONS, loadGenerator, seededLatents, type Generator } from '../src/node';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '../../..');
const TORCH_SCRIPT = resolve(workspace, 'packages/trainer/bench/reference/generator_infer.py');
const BATCHES = [1, 64];

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: String(cpus().length) },
    model: { type: 'string' },
    'keep-model': { type: 'string' },
  },
});
const seconds = Number(flags.seconds);
const rounds = Number(flags.rounds);
const threads = Number(flags.threads);

function emit(record: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'dcgan28-generate', ...record }));
}

/** The DCGAN-28 generator (NHWC, TF.js layers), exactly as trainer/bench/reference/models.py defines it. */
async function exportDcgan28(dir: string): Promise<string> {
  const init = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed });
  const bn = (seed: number) =>
    tf.layers.batchNormalization({
      momentum: 0.9,
      epsilon: 1e-5,
      gammaInitializer: tf.initializers.randomNormal({ mean: 1, stddev: 0.02, seed }),
    });
  const g = tf.sequential({ name: 'generator' });
  g.add(
    tf.layers.dense({ units: 7 * 7 * 128, useBias: false, inputShape: [100], kernelInitializer: init(1) }),
  );
  g.add(bn(2));
  g.add(tf.layers.reLU());
  g.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  const up = (filters: number, useBias: boolean, seed: number) =>
    tf.layers.conv2dTranspose({
      filters,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias,
      kernelInitializer: init(seed),
    });
  g.add(up(64, false, 3));
  g.add(bn(4));
  g.add(tf.layers.reLU());
  g.add(up(1, true, 5));
  g.add(tf.layers.activation({ activation: 'tanh' }));
  await g.save(tf.io.withSaveHandler(async (a) => saveModel(join(dir, 'generator'), a)));
  const onnx = join(dir, 'dcgan28.onnx');
  const r = spawnSync(
    'npx',
    [
      '--no-install',
      'ganforge',
      'export',
      'generator',
      '--model',
      join(dir, 'generator', 'model.json'),
      '--out',
      onnx,
    ],
    { cwd: workspace, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`export failed: ${r.stderr.trim()}`);
  const parity = /max \|diff\|[^\n]*|parity[^\n]*/.exec(r.stdout)?.[0];
  console.error(`exported the DCGAN-28 generator with ganforge export generator (${parity ?? 'ok'})`);
  return onnx;
}

/** A TF.js LayersModel as model.json + weights.bin, the layout `ganforge export generator --model` reads. */
function saveModel(dir: string, a: tf.io.ModelArtifacts): tf.io.SaveResult {
  mkdirSync(dir, { recursive: true });
  const parts = a.weightData === undefined ? [] : Array.isArray(a.weightData) ? a.weightData : [a.weightData];
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(parts.map((b) => new Uint8Array(b))));
  const manifest = [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }];
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: manifest }),
  );
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
}

/**
 * Runs the functions in short blocks (BLOCK_MS each, rotating) until each has had `seconds`, after a
 * warm-up block each (so that V8 has optimised every side's JavaScript before timing starts), and
 * returns the calls per second of each. Short blocks expose all of them to the same machine load;
 * blocks rather than single calls keep one session's idle intra-op threads (which may spin for a
 * while after a call) from taxing another session's call.
 */
const BLOCK_MS = 250;
async function rates(fns: (() => Promise<unknown>)[]): Promise<number[]> {
  for (const fn of fns) {
    const start = performance.now();
    for (let i = 0; i < 5 || performance.now() - start < BLOCK_MS; i++) await fn();
  }
  const time = fns.map(() => 0);
  const calls = fns.map(() => 0);
  for (let block = 0; time.some((t) => t < seconds * 1000); block++) {
    const j = block % fns.length;
    const start = performance.now();
    while (performance.now() - start < BLOCK_MS) {
      await fns[j]!();
      calls[j]!++;
    }
    time[j]! += performance.now() - start;
  }
  return time.map((t, j) => (calls[j]! * 1000) / t);
}

const hasTorch =
  existsSync(TORCH_SCRIPT) &&
  spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/** One run of the PyTorch reference script: img/s per batch size (empty when torch is missing). */
function torch(round: number): Map<number, number> {
  const result = new Map<number, number>();
  if (!hasTorch) return result;
  const args = [
    TORCH_SCRIPT,
    ...BATCHES.flatMap((b) => ['--batch', String(b)]),
    '--seconds',
    String(seconds),
    '--threads',
    String(threads),
  ];
  const r = spawnSync('/usr/bin/python3', args, { cwd: dirname(TORCH_SCRIPT), encoding: 'utf8' });
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const rec = JSON.parse(line) as Record<string, unknown> & { batch: number; img_per_s: number };
    result.set(rec.batch, rec.img_per_s);
    console.log(JSON.stringify({ ...rec, round }));
  }
  return result;
}

/** One round's images per second at one batch size, per implementation. */
type Round = { sdk: number; ort: number; tuned: number; torch?: number };

/** The median rates and ratios per batch size over the rounds. */
function reportRatios(perRound: Map<number, Round[]>): void {
  // Each round runs PyTorch, then the SDK and onnxruntime in alternating short blocks, so the ratios
  // within a round are measured under the same machine load; the median over rounds is reported.
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const ratio = (runs: Round[], of: (r: Round) => number) => ({
    median: +median(runs.map(of)).toFixed(3),
    per_round: runs.map((r) => +of(r).toFixed(3)),
  });
  for (const batch of BATCHES) {
    const runs = perRound.get(batch)!;
    const torchRuns = runs.filter((r) => r.torch !== undefined);
    emit({
      impl: 'ratios',
      batch,
      sdk_img_per_s: +median(runs.map((r) => r.sdk)).toFixed(1),
      ort_img_per_s: +median(runs.map((r) => r.ort)).toFixed(1),
      ort_sdk_options_img_per_s: +median(runs.map((r) => r.tuned)).toFixed(1),
      pytorch_img_per_s: torchRuns.length ? median(torchRuns.map((r) => r.torch!)) : null,
      sdk_vs_ort: ratio(runs, (r) => r.sdk / r.ort),
      sdk_vs_ort_same_options: ratio(runs, (r) => r.sdk / r.tuned),
      // What a sample() call costs beyond the bare call, in microseconds (negative: the SDK was faster).
      sdk_minus_ort_us_per_call: ratio(runs, (r) => (batch * 1e6) / r.sdk - (batch * 1e6) / r.ort),
      sdk_vs_pytorch: torchRuns.length ? ratio(torchRuns, (r) => r.sdk / r.torch!) : null,
      goal: 'sdk_vs_ort >= 0.9, sdk_vs_pytorch >= 3',
    });
  }
}

/** The SDK's RSS and external memory before and after 1,000 calls: flat when nothing leaks. */
async function reportMemory(sdk: Generator): Promise<void> {
  // Memory over 1,000 calls at batch 64, after a warm-up, with full GCs before each reading.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const usage = async () => {
    await new Promise((r) => setTimeout(r, 20));
    gc();
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss / 2 ** 20, external: (m.external + m.arrayBuffers) / 2 ** 20 };
  };
  const calls = async (n: number) => {
    for (let i = 0; i < n; i++) await sdk.sample({ count: 64, seed: i });
  };
  await calls(50);
  const before = await usage();
  await calls(1000);
  const after = await usage();
  console.log(
    JSON.stringify({
      bench: 'dcgan28-memory',
      impl: 'ganforge-sdk',
      calls: 1000,
      batch: 64,
      rss_mb_before: +before.rss.toFixed(1),
      rss_mb_after: +after.rss.toFixed(1),
      external_mb_before: +before.external.toFixed(1),
      external_mb_after: +after.external.toFixed(1),
    }),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-bench-'));
  try {
    const onnx = flags.model ?? (await exportDcgan28(dir));
    if (flags['keep-model']) copyFileSync(onnx, flags['keep-model']);
    const sessionOptions = { intraOpNumThreads: threads };
    const sdk = await loadGenerator(onnx, { sessionOptions });
    // Bare onnxruntime as a user would open it (default options), and with the SDK's options.
    const bare = await ort.InferenceSession.create(onnx, sessionOptions);
    const tuned = await ort.InferenceSession.create(onnx, { ...DEFAULT_SESSION_OPTIONS, ...sessionOptions });
    const [inputName] = bare.inputNames;
    const [outputName] = bare.outputNames;
    if (!hasTorch)
      console.error(`PyTorch reference skipped: no torch in /usr/bin/python3 or no ${TORCH_SCRIPT}`);
    const perRound = new Map<number, Round[]>(BATCHES.map((b) => [b, []]));
    for (let round = 0; round < rounds; round++) {
      const torchRates = torch(round);
      for (const batch of BATCHES) {
        // Latents like the SDK's, drawn once: onnxruntime's side only wraps them in a tensor per call.
        const z = seededLatents(1, batch, 100);
        const dims = [batch, 100];
        let read = 0;
        const plain = async (session: ort.InferenceSession) => {
          const out = await session.run({ [inputName!]: new ort.Tensor('float32', z, dims) });
          read += (out[outputName!]!.data as Float32Array)[0]!;
        };
        let seed = 0;
        const [sdkRate, ortRate, tunedRate] = (await rates([
          () => sdk.sample({ count: batch, seed: seed++ }),
          () => plain(bare),
          () => plain(tuned),
        ])) as [number, number, number];
        if (!Number.isFinite(read)) throw new Error('onnxruntime gave non-finite outputs');
        const t = torchRates.get(batch);
        perRound.get(batch)!.push({
          sdk: sdkRate * batch,
          ort: ortRate * batch,
          tuned: tunedRate * batch,
          ...(t ? { torch: t } : {}),
        });
        for (const [impl, r] of [
          ['ganforge-sdk', sdkRate],
          ['onnxruntime-node', ortRate],
          ['onnxruntime-node-sdk-options', tunedRate],
        ] as const) {
          emit({
            impl,
            batch,
            round,
            threads,
            img_per_s: +(r * batch).toFixed(1),
            ms_per_call: +(1000 / r).toFixed(3),
          });
        }
      }
    }

    reportRatios(perRound);
    await reportMemory(sdk);
    await sdk.dispose();
    await bare.release();
    await tuned.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
