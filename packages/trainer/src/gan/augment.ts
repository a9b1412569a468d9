/**
 * DiffAugment (Zhao et al. 2020): differentiable augmentations applied to every image D sees, real and
 * generated, in D's update and in G's (so G's gradient flows back through them). Three kinds, applied
 * in this order whatever order `--augment` names them in:
 *
 * - `color`: brightness + U(−0.5, 0.5); saturation: (x − m)·U(0, 2) + m, m the pixel's mean over the
 *   channels; contrast: (x − μ)·U(0.5, 1.5) + μ, μ the image's mean;
 * - `translation`: the image shifted by up to ⌊size/8 + ½⌋ pixels per axis, zeros shifted in;
 * - `cutout`: a square of ⌊size/2 + ½⌋ pixels per side, centred anywhere on the image (it may hang over
 *   the edge), set to 0.
 *
 * Given its parameters each is affine in the image, so the compiled step writes its backward pass out
 * (engine/onnx/augment.ts). The parameters are drawn here, per example, from the step's seed — the
 * same way z and the fake labels derive from it — so both engines see the same ones and a resumed run
 * draws what the uninterrupted one drew. With probability 1 − p an example gets the identity instead
 * (adaptive augmentation: gan/ada.ts moves p).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';

type T = tfTypes.Tensor;

export const AUGMENTATIONS = ['translation', 'cutout', 'color'] as const;
export type AugmentName = (typeof AUGMENTATIONS)[number];

/** Largest shift of `translation`, as a fraction of the image size. */
export const TRANSLATION_RATIO = 1 / 8;
/** Side of the `cutout` square, as a fraction of the image size. */
export const CUTOUT_RATIO = 1 / 2;

/** The images D sees in a step, each augmented with its own parameters. */
export const AUGMENT_PASSES = ['real', 'fake', 'fakeG'] as const;
export type AugmentPass = (typeof AUGMENT_PASSES)[number];

/** One batch's augmentation parameters, per example (identity values where an example is not augmented). */
export interface AugmentParams {
  batch: number;
  height: number;
  width: number;
  /** Translation: out[i, j] = x[i + shiftY, j + shiftX] (0 outside the image). */
  shiftY: Int32Array;
  shiftX: Int32Array;
  /** Cutout: whether an example has one, and its centre. */
  cut: Uint8Array;
  cutY: Int32Array;
  cutX: Int32Array;
  brightness: Float32Array;
  saturation: Float32Array;
  contrast: Float32Array;
}

/** Pixels of the largest shift along an axis of `size` pixels (DiffAugment's int(size·ratio + 0.5)). */
export const maxShift = (size: number) => Math.floor(size * TRANSLATION_RATIO + 0.5);
/** Side of the cutout square along an axis of `size` pixels. */
export const cutoutSize = (size: number) => Math.floor(size * CUTOUT_RATIO + 0.5);

/**
 * The parameters of one step's three passes — D's real batch, D's generated batch, the generated
 * batch of G's update — drawn from the step's seed. Every example draws the same numbers whatever is
 * enabled and whatever p is (so p moving does not shift the stream), then keeps them with probability p.
 */
export function drawAugment(
  seed: number,
  batch: number,
  imageShape: readonly number[],
  p: number,
): Record<AugmentPass, AugmentParams> {
  const [height, width] = imageShape as [number, number];
  const r = seedrandom.alea(`augment:${seed}`);
  const int = (n: number) => Math.floor(r() * n);
  const [sy, sx] = [maxShift(height), maxShift(width)];
  const [ch, cw] = [cutoutSize(height), cutoutSize(width)];
  const pass = (): AugmentParams => {
    const out = identityAugment(batch, height, width);
    for (let b = 0; b < batch; b++) {
      const apply = r() < p;
      const draws = [
        int(2 * sy + 1) - sy,
        int(2 * sx + 1) - sx,
        int(height + 1 - (ch % 2)),
        int(width + 1 - (cw % 2)),
        r() - 0.5,
        r() * 2,
        r() + 0.5,
      ] as const;
      if (!apply) continue;
      [out.shiftY[b], out.shiftX[b], out.cutY[b], out.cutX[b]] = draws;
      [, , , , out.brightness[b], out.saturation[b], out.contrast[b]] = draws;
      out.cut[b] = 1;
    }
    return out;
  };
  const real = pass();
  const fake = pass();
  return { real, fake, fakeG: pass() };
}

/** Parameters that leave every example as it is. */
export function identityAugment(batch: number, height: number, width: number): AugmentParams {
  return {
    batch,
    height,
    width,
    shiftY: new Int32Array(batch),
    shiftX: new Int32Array(batch),
    cut: new Uint8Array(batch),
    cutY: new Int32Array(batch),
    cutX: new Int32Array(batch),
    brightness: new Float32Array(batch),
    saturation: new Float32Array(batch).fill(1),
    contrast: new Float32Array(batch).fill(1),
  };
}

/**
 * Each example's shift as a matrix [B, n, n] (row-major): S[b, i, k] = 1 where k = i + shift[b] lies in
 * 0..n−1, so S·x shifts x's rows. `transposed` writes Sᵀ.
 */
export function shiftMatrices(shift: Int32Array, n: number, transposed = false, out?: Float32Array) {
  const m = (out ?? new Float32Array(shift.length * n * n)).fill(0);
  shift.forEach((s, b) => {
    for (let i = 0; i < n; i++) {
      const k = i + s;
      if (k >= 0 && k < n) m[b * n * n + (transposed ? k * n + i : i * n + k)] = 1;
    }
  });
  return m;
}

/** The cutout mask [B, H, W] (row-major): 0 inside each example's square, 1 elsewhere. */
export function cutoutMask(p: AugmentParams, out?: Float32Array): Float32Array {
  const { batch, height: H, width: W } = p;
  const m = (out ?? new Float32Array(batch * H * W)).fill(1);
  const [ch, cw] = [cutoutSize(H), cutoutSize(W)];
  for (let b = 0; b < batch; b++) {
    if (!p.cut[b]) continue;
    const y0 = Math.max(0, p.cutY[b]! - Math.floor(ch / 2));
    const y1 = Math.min(H, p.cutY[b]! - Math.floor(ch / 2) + ch);
    const x0 = Math.max(0, p.cutX[b]! - Math.floor(cw / 2));
    const x1 = Math.min(W, p.cutX[b]! - Math.floor(cw / 2) + cw);
    for (let y = y0; y < y1; y++) m.fill(0, b * H * W + y * W + x0, b * H * W + y * W + x1);
  }
  return m;
}

/**
 * The augmentations `names` with parameters `p` on a batch of images [B, H, W, C] (TF.js's layout),
 * as TF.js ops: the TF.js step's form, differentiated by TF.js. Translation is written as padding and
 * a slice per example (the compiled step uses shift matrices), so the two engines' agreement checks both.
 */
export function augmentTfjs(tf: typeof tfTypes, x: T, names: readonly AugmentName[], p: AugmentParams): T {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const factor = (v: Float32Array) => tf.tensor4d(v, [B, 1, 1, 1]);
  let y = x;
  if (names.includes('color')) {
    y = tf.add(y, factor(p.brightness));
    const m = tf.mean(y, 3, true);
    y = tf.add(tf.mul(tf.sub(y, m), factor(p.saturation)), m);
    const mu = tf.mean(y, [1, 2, 3], true);
    y = tf.add(tf.mul(tf.sub(y, mu), factor(p.contrast)), mu);
  }
  if (names.includes('translation')) {
    const [sy, sx] = [maxShift(H), maxShift(W)];
    const padded = tf.pad(y, [
      [0, 0],
      [sy, sy],
      [sx, sx],
      [0, 0],
    ]);
    const rows = Array.from({ length: B }, (_, b) =>
      tf.slice(padded, [b, sy + p.shiftY[b]!, sx + p.shiftX[b]!, 0], [1, H, W, C]),
    );
    y = tf.concat(rows, 0);
  }
  if (names.includes('cutout')) y = tf.mul(y, tf.tensor4d(cutoutMask(p), [B, H, W, 1]));
  return y;
}

/** The augmentations of a config's `augment` list in the order they apply. */
export const augmentOrder = (names: readonly AugmentName[]): AugmentName[] =>
  (['color', 'translation', 'cutout'] as const).filter((n) => names.includes(n));
