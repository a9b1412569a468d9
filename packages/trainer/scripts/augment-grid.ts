/**
 * Pictures of DiffAugment on the real images a run trains on, to look at what D sees. One PNG: the
 * clean images on the first row, then for each augmentation (translation, cutout, color, then all three)
 * a row as the TF.js step applies it and a row as the compiled step's graph applies it, with the
 * parameters a training step with seed `--step` draws for its real batch. Takes the training command's
 * data keys (preset, then flags), and --augmentP (a number; default 1):
 *
 *   npx tsx scripts/augment-grid.ts --preset=fashion --limit=1000 --out=augmented.png
 *   npx tsx scripts/augment-grid.ts --preset=emoji --count=12 --step=7 --augmentP=0.5 --out=emoji-aug.png
 *
 * Prints one JSON line: the rows and, per augmentation, the largest |compiled − TF.js| difference.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { isUserError } from '@ganforge/contracts';
import { parseFlagValues, resolveConfig } from '../src/config';
import { batchValues, loadDataset } from '../src/data/datasets';
import { AUGMENTATIONS, augmentTfjs, drawAugment, type AugmentName, type AugmentParams } from '../src/gan/augment';
import { augmentInputs, feedAugment, graphAugment } from '../src/engine/onnx/augment';
import { Graph } from '../src/engine/onnx/graph';
import { imageGridPng } from '../src/outputs/plots';

const USAGE =
  'usage: augment-grid.ts --out=<file.png> [--count=N] [--step=N] [--preset=<name>] [--dataset=…] [--limit=N] [--augmentP=p]';

function usage(why: string): never {
  console.error(`augment-grid: ${why}\n${USAGE}`);
  process.exit(2);
}

const toNchw = (x: Float32Array, shape: number[]) =>
  tf.tidy(() => tf.transpose(tf.tensor4d(x, shape as [number, number, number, number]), [0, 3, 1, 2]).dataSync());
const toNhwc = (x: Float32Array, shape: number[]) =>
  tf.tidy(() => tf.transpose(tf.tensor4d(x, shape as [number, number, number, number]), [0, 2, 3, 1]).dataSync());

/** The compiled step's augmentation `names` of the real batch `x` [B, H, W, C], back in [B, H, W, C]. */
async function compiled(names: AugmentName[], x: Float32Array, shape: number[], drawn: AugmentParams) {
  const [B, H, W, C] = shape as [number, number, number, number];
  const nchw = [B, C, H, W];
  const g = new Graph('augment_grid');
  g.input('x', nchw);
  const specs = augmentInputs(names, B, [H, W, C]).filter((s) => s.name.startsWith('aug.real.'));
  for (const s of specs) g.input(s.name, s.shape);
  g.output(graphAugment(g, 'real', (n) => specs.some((s) => s.name === n)).forward('x'), 'y', nchw);
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of specs) {
    feeds[s.name] = new ort.Tensor('float32', new Float32Array(s.shape.reduce((a, b) => a * b, 1)), s.shape);
  }
  // Only the real pass's inputs exist here; the other two passes' parameters go nowhere.
  feedAugment((n) => feeds[n]?.data as Float32Array | undefined, { real: drawn, fake: drawn, fakeG: drawn });
  const session = await ort.InferenceSession.create(g.encode());
  try {
    const out = await session.run({ ...feeds, x: new ort.Tensor('float32', toNchw(x, shape) as Float32Array, nchw) });
    return toNhwc(out.y!.data as Float32Array, nchw) as Float32Array;
  } finally {
    await session.release();
  }
}

async function main(argv: string[]): Promise<void> {
  const flags: Record<string, string> = {};
  const opts = { out: '', count: 16, step: 1 };
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (!m) usage(`unexpected argument "${arg}" (options take --key=value)`);
    const [key, value] = [m[1]!, m[2]!];
    if (key === 'out') opts.out = value;
    else if (key === 'count' || key === 'step') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) usage(`--${key} expects a whole number above 0, got "${value}"`);
      opts[key] = n;
    } else flags[key] = value;
  }
  if (!opts.out) usage('--out is required');
  const config = resolveConfig({ flags: parseFlagValues(flags) });
  await tf.setBackend('cpu');
  const data = await loadDataset(config);
  if (data.kind !== 'image' || !data.imageShape) usage(`${config.dataset} is not a set of images`);
  const [H, W, C] = data.imageShape;
  const B = Math.min(opts.count, data.count);
  const shape = [B, H, W, C];
  const x = batchValues(data, Array.from({ length: B }, (_, i) => i));
  const p = config.augmentP === 'auto' ? 1 : config.augmentP;
  const drawn = drawAugment(opts.step, B, [H, W, C], p).real;
  const rows: Float32Array[] = [x];
  const names: string[] = ['clean'];
  const diff: Record<string, number> = {};
  for (const list of [...AUGMENTATIONS.map((a) => [a]), [...AUGMENTATIONS]]) {
    const label = list.join('+');
    const ref = tf.tidy(() => augmentTfjs(tf, tf.tensor4d(x, [B, H, W, C]), list, drawn).dataSync() as Float32Array);
    const ours = await compiled(list, x, shape, drawn);
    diff[label] = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
    rows.push(ref, ours);
    names.push(`${label} (TF.js)`, `${label} (compiled)`);
  }
  const all = new Float32Array(rows.length * x.length);
  rows.forEach((r, k) => all.set(r, k * x.length));
  const path = resolve(opts.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await imageGridPng(all, rows.length * B, H, W, C, [-1, 1], 3, B));
  console.log(JSON.stringify({ dataset: config.dataset, images: B, p, step: opts.step, rows: names, maxDiff: diff, out: path }));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (!isUserError(e)) throw e;
  console.error(`augment-grid: ${e.message}`);
  process.exit(1);
});
