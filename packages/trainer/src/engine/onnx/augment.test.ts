/**
 * The compiled augmentation against its TF.js form, and its backward pass against its forward one:
 * the adjoint is the transpose of the Jacobian (⟨J a, g⟩ = ⟨a, Jᵀ g⟩) and the Jacobian is the forward
 * pass without its offset.
 */
import * as ort from 'onnxruntime-node';
import seedrandom from 'seedrandom';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUGMENTATIONS, augmentTfjs, drawAugment, type AugmentName } from '../../gan/augment';
import { augmentInputs, feedAugment, graphAugment } from './augment';
import { Graph } from './graph';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const [B, H, W, C] = [5, 8, 8, 3];
const n = B * H * W * C;
const random = (seed: string) => {
  const r = seedrandom.alea(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const toNchw = (x: Float32Array) =>
  tf.tidy(() => tf.transpose(tf.tensor4d(x, [B, H, W, C]), [0, 3, 1, 2]).dataSync() as Float32Array);

async function compiled(names: AugmentName[], seed: number) {
  const g = new Graph('augment');
  const shape = [B, C, H, W];
  for (const v of ['x', 'a', 'd']) g.input(v, shape);
  const specs = augmentInputs(names, B, [H, W, C]).filter((s) => s.name.startsWith('aug.real.'));
  for (const s of specs) g.input(s.name, s.shape);
  const aug = graphAugment(g, 'real', (name) => specs.some((s) => s.name === name));
  g.output(aug.forward('x'), 'forward', shape);
  g.output(aug.linear('a'), 'linear', shape);
  g.output(aug.adjoint('d'), 'adjoint', shape);
  const feeds: Record<string, ort.Tensor> = {};
  for (const s of specs)
    feeds[s.name] = new ort.Tensor('float32', new Float32Array(s.shape.reduce((p, q) => p * q)), s.shape);
  const drawn = drawAugment(seed, B, [H, W, C], 1);
  feedAugment((name) => feeds[name]?.data as Float32Array | undefined, drawn);
  const session = await ort.InferenceSession.create(g.encode());
  return { session, feeds, drawn, shape };
}

describe('the compiled augmentation', () => {
  it.each([...AUGMENTATIONS.map((a) => [a]), [...AUGMENTATIONS]] as AugmentName[][])(
    '%s',
    async (...names) => {
      const { session, feeds, drawn, shape } = await compiled(names, 11);
      const [x, a, d] = [random('x'), random('a'), random('d')];
      const t = (v: Float32Array) => new ort.Tensor('float32', toNchw(v), shape);
      const out = await session.run({ ...feeds, x: t(x), a: t(a), d: t(d) });
      const get = (k: string) => out[k]!.data as Float32Array;
      // The forward pass is the TF.js augmentation's.
      const ref = toNchw(
        tf.tidy(
          () => augmentTfjs(tf, tf.tensor4d(x, [B, H, W, C]), names, drawn.real).dataSync() as Float32Array,
        ),
      );
      get('forward').forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
      // The Jacobian: the forward pass of a minus that of 0.
      const zero = await session.run({ ...feeds, x: t(new Float32Array(n)), a: t(a), d: t(d) });
      const offset = zero.forward!.data as Float32Array;
      const fa = (await session.run({ ...feeds, x: t(a), a: t(a), d: t(d) })).forward!.data as Float32Array;
      get('linear').forEach((v, i) => expect(v).toBeCloseTo(fa[i]! - offset[i]!, 5));
      // The adjoint is its transpose.
      const lhs = dot(get('linear'), toNchw(d));
      const rhs = dot(toNchw(a), get('adjoint'));
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.max(1, Math.abs(lhs)));
      await session.release();
    },
  );
});
