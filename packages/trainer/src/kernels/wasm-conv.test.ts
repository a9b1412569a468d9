/**
 * Parity of GANForge's wasm convolutions (forward, fused) and backward convolutions (Conv2DBackpropFilter, Conv2DBackpropInput and so
 * Conv2DTranspose) against TF.js's reference cpu kernels, on random shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { initBackend } from './backend';
import { ortConvActive, setOrtConv } from './index';

type Pad = 'same' | 'valid';

interface Case {
  batch: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  kh: number;
  kw: number;
  stride: [number, number];
  pad: Pad;
}

/** Worst |a-b| relative to the largest magnitude of the reference (1e-4 relative accuracy). */
function relErr(got: Float32Array, ref: Float32Array): number {
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!));
  return worst / Math.max(scale, 1e-30);
}

async function onBoth(f: () => tf.Tensor[]): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  const run = async (name: 'cpu' | 'wasm') => {
    await tf.setBackend(name);
    const ts = tf.tidy(f);
    const out = await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
    tf.dispose(ts);
    return out;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

function randomCases(seed: string, count: number): Case[] {
  const rng = seedrandom.alea(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const kh = int(1, 5);
    const kw = rng() < 0.7 ? kh : int(1, 5);
    const s1 = int(1, 3);
    const stride: [number, number] = rng() < 0.8 ? [s1, s1] : [s1, int(1, 3)];
    cases.push({
      batch: [1, int(2, 9)][i % 2]!,
      h: int(Math.max(kh, 1), 13),
      w: int(Math.max(kw, 1), 13),
      cin: int(1, 6),
      cout: int(1, 7),
      kh,
      kw,
      stride,
      pad: i % 3 === 0 ? 'valid' : 'same',
    });
  }
  return cases;
}

/** Fixed cases that every run covers: strides 1/2, both pads, odd/even kernels, batch 1/many. */
const FIXED: Case[] = [];
for (const stride of [1, 2] as const)
  for (const pad of ['same', 'valid'] as const)
    for (const k of [3, 4] as const)
      for (const batch of [1, 5])
        FIXED.push({
          batch,
          h: 9 + k - 3,
          w: 8,
          cin: 3,
          cout: 4,
          kh: k,
          kw: k,
          stride: [stride, stride],
          pad,
        });

const label = (c: Case) =>
  `n${c.batch} ${c.h}x${c.w}x${c.cin}->${c.cout} k${c.kh}x${c.kw} s${c.stride.join('x')} ${c.pad}`;

// Both routes: native onnxruntime graphs (the default) and the XNNPACK rewrites (the fallback).
describe.each([
  ['onnxruntime', true],
  ['xnnpack', false],
] as const)('wasm convolutions via %s', (_route, native) => {
  const cases = [...FIXED, ...randomCases('conv-parity', 24)];
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    setOrtConv(native);
    expect(ortConvActive()).toBe(native);
  });
  afterAll(() => setOrtConv(true));

  it('conv2d forward (plain and fused) and its input and filter gradients match the cpu backend', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    let i = 0;
    for (const c of cases) {
      i++;
      const x = tf.randomNormal([c.batch, c.h, c.w, c.cin], 0, 1, 'float32', 10 + i);
      const f = tf.randomNormal([c.kh, c.kw, c.cin, c.cout], 0, 1, 'float32', 20 + i);
      const probe = tf.tidy(() => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad));
      const r = tf.randomNormal(probe.shape, 0, 1, 'float32', 30 + i);
      const bias = tf.randomNormal([c.cout], 0, 1, 'float32', 70 + i);
      const { wasm, cpu } = await onBoth(() => {
        const g = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
          tf
            .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, c.stride, c.pad)
            .mul(r)
            .sum(),
        );
        const fused = tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: f as tf.Tensor4D,
          strides: c.stride,
          pad: c.pad,
          bias,
          activation: 'relu',
        });
        return [...g([x, f]), tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.stride, c.pad), fused];
      });
      for (let j = 0; j < 4; j++) {
        expect(wasm[j]!.length, label(c)).toBe(cpu[j]!.length);
        expect(
          relErr(wasm[j]!, cpu[j]!),
          `${label(c)} ${['dx', 'dW', 'conv', 'fused conv'][j]}`,
        ).toBeLessThan(1e-4);
      }
      bias.dispose();
      tf.dispose([x, f, probe, r]);
    }
  });

  it('conv2dTranspose forward and gradients match the cpu backend', async () => {
    await initBackend('wasm');
    let i = 0;
    for (const c of cases) {
      i++;
      // The transposed conv maps [batch, ho, wo, cout] to [batch, h, w, cin] with filter [kh, kw, cin, cout].
      const shape = tf.tidy(
        () =>
          tf.conv2d(
            tf.zeros([1, c.h, c.w, 1]) as tf.Tensor4D,
            tf.zeros([c.kh, c.kw, 1, 1]) as tf.Tensor4D,
            c.stride,
            c.pad,
          ).shape,
      );
      const dy = tf.randomNormal([c.batch, shape[1], shape[2], c.cout], 0, 1, 'float32', 40 + i);
      const f = tf.randomNormal([c.kh, c.kw, c.cin, c.cout], 0, 1, 'float32', 50 + i);
      const r = tf.randomNormal([c.batch, c.h, c.w, c.cin], 0, 1, 'float32', 60 + i);
      const outShape: [number, number, number, number] = [c.batch, c.h, c.w, c.cin];
      const fwd = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, c.stride, c.pad);
      const { wasm, cpu } = await onBoth(() => [
        fwd(dy, f),
        ...tf.grads((a: tf.Tensor, b: tf.Tensor) => fwd(a, b).mul(r).sum())([dy, f]),
      ]);
      for (let j = 0; j < 3; j++) {
        expect(relErr(wasm[j]!, cpu[j]!), `${label(c)} ${['out', 'd(dy)', 'dW'][j]}`).toBeLessThan(1e-4);
      }
      tf.dispose([dy, f, r]);
    }
  });

  it('leaves no tensors behind', async () => {
    await initBackend('wasm');
    await tf.setBackend('wasm');
    const x = tf.randomNormal([3, 10, 10, 4]);
    const f = tf.randomNormal([4, 4, 4, 5]);
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    for (let k = 0; k < 3; k++) {
      const grads = tf.grads((xx: tf.Tensor, ff: tf.Tensor) =>
        tf
          .conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same')
          .square()
          .sum(),
      )([x, f]);
      tf.dispose(grads);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytesBefore);
    tf.dispose([x, f]);
  });
});

describe('wasm Tile', () => {
  it('matches the cpu backend for repeats on every axis pattern', async () => {
    await initBackend('wasm');
    const cases: [number[], number[]][] = [
      [
        [1, 1, 1, 5],
        [3, 4, 2, 1],
      ],
      [
        [1, 7],
        [6, 1],
      ],
      [
        [2, 3],
        [2, 3],
      ],
      [[3], [4]],
      [
        [2, 1, 3],
        [1, 5, 2],
      ],
      [
        [2, 3, 4],
        [1, 1, 1],
      ],
    ];
    for (const [shape, reps] of cases) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const xi = tf
        .range(
          0,
          shape.reduce((a, b) => a * b, 1),
          1,
          'int32',
        )
        .reshape(shape);
      const { wasm, cpu } = await onBoth(() => [tf.tile(x, reps), tf.tile(xi, reps).cast('float32')]);
      for (let j = 0; j < 2; j++)
        expect(Array.from(wasm[j]!), `${shape} x ${reps}`).toEqual(Array.from(cpu[j]!));
      tf.dispose([x, xi]);
    }
  });
});

describe('wasm Sum and Mean over leading axes', () => {
  it('match the cpu backend, with and without keepDims', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([5, 6, 7, 3], 0, 1, 'float32', 9);
    for (const axis of [0, [0, 1], [0, 1, 2], [1, 0], -4, [0, 1, 2, 3], 3, [1, 2]]) {
      for (const keepDims of [false, true]) {
        const { wasm, cpu } = await onBoth(() => [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)]);
        const shapes = await onBoth(() => [tf.tensor(tf.sum(x, axis, keepDims).shape)]);
        expect(Array.from(shapes.wasm[0]!)).toEqual(Array.from(shapes.cpu[0]!));
        for (let j = 0; j < 2; j++)
          expect(relErr(wasm[j]!, cpu[j]!), `${axis} ${keepDims}`).toBeLessThan(1e-5);
      }
    }
    x.dispose();
  });
});
