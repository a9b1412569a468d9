/**
 * Where samples come from: a run directory (its TF.js generator), an ONNX generator (through
 * @ganforge/inference, so any exporter's model scores the same way) or a gzipped IDX file of images
 * made by any tool (3-D grayscale or 4-D [N, H, W, C]). Images come back as NHWC float32 in [-1, 1], points as raw values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { tf } from '../kernels/backend';
import { resizeImages } from '../data/folder';
import { DatasetError, readIdxImages } from '../data/idx';
import { FileModelIO } from '../run/model-io';
import { ModelCardSchema, RealPointsSchema, RUN_FILES, type OutputSpec } from '@ganforge/contracts';
import { EvalError } from './errors';
import { PACKAGE_DIR } from '../data/package-dir';

export const DEFAULT_REFERENCE = join(PACKAGE_DIR, 'data', 'fashion-mnist', 't10k-images-idx3-ubyte.gz');

export type SampleSet =
  | { kind: 'image'; count: number; height: number; width: number; channels: number; values: Float32Array }
  | { kind: 'points'; count: number; dims: number; values: Float32Array };

/** Up to `limit` images of an IDX file (grayscale 0x803 or [N, H, W, C] 0x804), scaled from bytes to [-1, 1]. */
export function readIdxSamples(path: string, limit?: number): SampleSet {
  let idx;
  try {
    idx = readIdxImages(path, limit);
  } catch (e) {
    if (e instanceof DatasetError) throw new EvalError(e.message);
    throw e;
  }
  const values = new Float32Array(idx.pixels.length);
  for (let i = 0; i < values.length; i++) values[i] = idx.pixels[i]! / 127.5 - 1;
  return {
    kind: 'image',
    count: idx.count,
    height: idx.rows,
    width: idx.cols,
    channels: idx.channels,
    values,
  };
}

/**
 * Images resized to `size` x `size` (sharp, as `--imageSize` resizes a dataset), so that an evaluator
 * for another size scores them: 80x80 samples of an emoji run at --imageSize=80 by the 64x64 one.
 * With `channels`, grayscale becomes RGB (the one channel repeated) or RGB grayscale as well.
 */
export async function resizeSamples(s: SampleSet, size: number, channels?: 1 | 3): Promise<SampleSet> {
  if (s.kind !== 'image') return s;
  const to = channels ?? s.channels;
  if (s.height === size && s.width === size && s.channels === to) return s;
  if (s.channels !== 1 && s.channels !== 3) throw new EvalError(`cannot resize ${s.channels}-channel images`);
  const shape: [number, number, number] = [s.height, s.width, s.channels];
  const values = await resizeImages(s.values, s.count, shape, size, to as 1 | 3);
  return { ...s, height: size, width: size, channels: to, values };
}

/** Rows [start, start + count) of a sample set. */
export function sliceSamples(s: SampleSet, start: number, count: number): SampleSet {
  const size = s.kind === 'image' ? s.height * s.width * s.channels : s.dims;
  const values = s.values.slice(start * size, (start + count) * size);
  return { ...s, count, values };
}

/** Standard normal latents from a seeded PRNG (Box-Muller). */
function latents(seed: number, n: number): Float32Array {
  const rng = seedrandom.alea(`eval-latents:${seed}`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const t = 2 * Math.PI * rng();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/** Maps a generator's output range onto [-1, 1]. */
function toUnitRange(values: Float32Array, range: [number, number]): Float32Array {
  const [lo, hi] = range;
  if (lo === -1 && hi === 1) return values;
  for (let i = 0; i < values.length; i++) values[i] = ((values[i]! - lo) / (hi - lo)) * 2 - 1;
  return values;
}

/** Class count of a conditional generator (the input dimension of its label embedding). */
export function generatorClasses(generator: tf.LayersModel): number | undefined {
  if (generator.inputs.length !== 2) return undefined;
  const embedding = generator.layers.find((l) => l.getClassName() === 'Embedding');
  const n = (embedding?.getConfig() as { inputDim?: number } | undefined)?.inputDim;
  return typeof n === 'number' && n > 0 ? n : undefined;
}

/**
 * The labels of `count` samples of a conditional generator with `classes` classes: `wanted` (from
 * --labels) in turn, else every class in turn (0, 1, …, C-1, 0, …: balanced, as a test split is).
 * `what` names the generator in errors.
 */
export function labelsInTurn(
  count: number,
  classes: number | undefined,
  wanted: number[] | undefined,
  what: string,
): number[] {
  if (wanted === undefined && classes === undefined) {
    throw new EvalError(
      `${what} is a conditional generator that does not say how many classes it has: pass --labels with the class indices to sample (e.g. --labels 0,1,2), used in turn`,
    );
  }
  const list = wanted ?? Array.from({ length: classes! }, (_, c) => c);
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || (classes !== undefined && c >= classes)) {
      throw new EvalError(
        `--labels: ${c} is not a class of ${what}${classes !== undefined ? ` (0..${classes - 1})` : ''}`,
      );
    }
  }
  return Array.from({ length: count }, (_, i) => list[i % list.length]!);
}

/**
 * Samples `count` outputs of an in-memory TF.js generator (used by the trainer's periodic evaluation).
 * A conditional generator gets `labels` (--labels) in turn, else every class in turn (labelsInTurn).
 */
export function sampleLayersGenerator(
  generator: tf.LayersModel,
  latentDim: number,
  output: OutputSpec,
  count: number,
  seed: number,
  opts: { batch?: number; labels?: number[] } = {},
): SampleSet {
  const batch = opts.batch ?? 500;
  const classes = generatorClasses(generator);
  if (generator.inputs.length !== 1 && classes === undefined) {
    throw new EvalError(
      'the generator has several inputs but no label embedding: it is not a generator this evaluator can sample',
    );
  }
  if (!classes && opts.labels)
    throw new EvalError('--labels: this generator is not conditional; drop --labels');
  const labelList = classes ? labelsInTurn(count, classes, opts.labels, 'the generator') : undefined;
  const size = output.kind === 'image' ? output.height * output.width * output.channels : output.dims;
  const values = new Float32Array(count * size);
  const z = latents(seed, count * latentDim);
  for (let i = 0; i < count; i += batch) {
    const m = Math.min(batch, count - i);
    const out = tf.tidy(() => {
      const zb = tf.tensor2d(z.subarray(i * latentDim, (i + m) * latentDim), [m, latentDim]);
      const labels = labelList
        ? tf.tensor2d(Int32Array.from(labelList.slice(i, i + m)), [m, 1], 'int32')
        : undefined;
      return generator.predict(labels ? [zb, labels] : zb) as tf.Tensor;
    });
    // Read outside the tidy: tidy walks what it returns, element by element for a typed array.
    values.set(out.dataSync(), i * size);
    out.dispose();
  }
  if (output.kind === 'image') {
    return {
      kind: 'image',
      count,
      height: output.height,
      width: output.width,
      channels: output.channels,
      values: toUnitRange(values, output.range),
    };
  }
  return { kind: 'points', count, dims: output.dims, values };
}

/** Output spec read off a generator's output shape (NHWC images or [N, D] points), range [-1, 1]. */
export function outputSpecOf(generator: tf.LayersModel): OutputSpec {
  const shape = generator.outputs[0]!.shape;
  return shape.length === 4
    ? { kind: 'image', height: shape[1]!, width: shape[2]!, channels: shape[3]!, range: [-1, 1] }
    : { kind: 'points', dims: shape[1]! };
}

/**
 * Samples a run directory's TF.js generator; 2-D runs also give their training points as reference.
 * Latent size and output come from the model card, or, for a run stopped before its first epoch
 * ended, from config.json and the generator itself.
 */
export async function sampleRun(
  dir: string,
  count: number,
  seed: number,
  labels?: number[],
): Promise<{ samples: SampleSet; realPoints?: SampleSet }> {
  const cardPath = join(dir, RUN_FILES.modelCard);
  const configPath = join(dir, RUN_FILES.config);
  const modelPath = join(dir, RUN_FILES.generatorDir, 'model.json');
  if (!existsSync(modelPath) || !(existsSync(cardPath) || existsSync(configPath))) {
    throw new EvalError(
      `${dir} is not a run directory with a generator (no ${RUN_FILES.generatorDir}/model.json and ${RUN_FILES.modelCard}); pass a run written by ganforge train`,
    );
  }
  const generator = await tf.loadLayersModel(new FileModelIO(join(dir, RUN_FILES.generatorDir)));
  try {
    let latentDim: number;
    let output: OutputSpec;
    if (existsSync(cardPath)) {
      const card = ModelCardSchema.safeParse(JSON.parse(readFileSync(cardPath, 'utf8')));
      if (!card.success) {
        throw new EvalError(
          `${cardPath} does not match the model-card schema: ${card.error.issues[0]?.message}`,
        );
      }
      latentDim = card.data.latentDim;
      output = card.data.output;
    } else {
      latentDim = generator.inputs[0]!.shape[1]!;
      output = outputSpecOf(generator);
    }
    const samples = sampleLayersGenerator(generator, latentDim, output, count, seed, {
      ...(labels ? { labels } : {}),
    });
    if (samples.kind === 'points') {
      const pointsPath = join(dir, RUN_FILES.realPoints);
      if (!existsSync(pointsPath)) {
        throw new EvalError(`${dir} is a 2-D run without ${RUN_FILES.realPoints}; re-run training`);
      }
      const { points } = RealPointsSchema.parse(JSON.parse(readFileSync(pointsPath, 'utf8')));
      const realPoints: SampleSet = {
        kind: 'points',
        count: points.length,
        dims: 2,
        values: Float32Array.from(points.flat()),
      };
      return { samples, realPoints };
    }
    return { samples };
  } finally {
    generator.dispose();
  }
}

/**
 * Samples an ONNX generator with the inference SDK (images come back in [0, 1]: mapped to [-1, 1]). A
 * conditional one (GANForge's cgan export) gets `labels` in turn, else every class its metadata names.
 */
export async function sampleOnnx(
  path: string,
  count: number,
  seed: number,
  labels?: number[],
): Promise<SampleSet> {
  if (!existsSync(path)) throw new EvalError(`ONNX file not found: ${path}`);
  const { loadGenerator } = await import('@ganforge/inference');
  let g;
  try {
    g = await loadGenerator(path);
  } catch (e) {
    throw new EvalError(`cannot load ${path} as a generator: ${(e as Error).message}`);
  }
  try {
    const { labelInputName, classNames } = g.info;
    if (!labelInputName && labels)
      throw new EvalError(`--labels: ${path} is not a conditional generator; drop --labels`);
    const labelList = labelInputName ? labelsInTurn(count, classNames?.length, labels, path) : undefined;
    const batch = 1000;
    const parts: Float32Array[] = [];
    let shape: { height: number; width: number; channels: number } | undefined;
    let dims = 0;
    for (let i = 0; i < count; i += batch) {
      const m = Math.min(batch, count - i);
      // One seed per batch, derived from the run's seed, keeps batches distinct and reproducible.
      const out = await g.sample({
        count: m,
        seed: seed * 100_003 + i,
        ...(labelList ? { labels: labelList.slice(i, i + m) } : {}),
      });
      if (out.kind === 'image') {
        shape = { height: out.height, width: out.width, channels: out.channels };
        parts.push(out.pixels.map((p) => p * 2 - 1));
      } else {
        dims = out.dims;
        parts.push(out.points);
      }
    }
    const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      values.set(p, off);
      off += p.length;
    }
    return shape ? { kind: 'image', count, ...shape, values } : { kind: 'points', count, dims, values };
  } finally {
    await g.dispose();
  }
}
