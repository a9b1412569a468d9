/** Parity of GANForge's wasm kernel overrides against TF.js's reference cpu kernels. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend';

async function onBackend(name: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  const t = f();
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('wasm matmul with transposed operands', () => {
  it('matches the cpu backend for every transpose combination, batched and not', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const cases: [number[], number[], boolean, boolean][] = [
      [[5, 7], [7, 3], false, false],
      [[7, 5], [7, 3], true, false],
      [[5, 7], [3, 7], false, true],
      [[7, 5], [3, 7], true, true],
      [[2, 7, 5], [2, 7, 4], true, false],
      [[3, 1, 6], [3, 2, 6], false, true],
      [[64, 784], [64, 32], true, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
      const ref = await onBackend('cpu', () => tf.matMul(a, b, ta, tb));
      const got = await onBackend('wasm', () => tf.matMul(a, b, ta, tb));
      const bias = tf.randomNormal([sb[sb.length - (tb ? 2 : 1)]!], 0, 1, 'float32', 3);
      const fusedRef = await onBackend('cpu', () =>
        tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }),
      );
      const fused = await onBackend('wasm', () =>
        tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }),
      );
      expect(got.length).toBe(ref.length);
      expect(maxRelDiff(got, ref)).toBeLessThan(1e-4);
      // Rank 2 only: TF.js's own wasm _FusedMatMul adds the bias wrongly for batched inputs (with or
      // without these overrides); Dense layers, the only fused users here, are rank 2.
      if (sa.length === 2) expect(maxRelDiff(fused, fusedRef)).toBeLessThan(1e-4);
      tf.dispose([a, b, bias]);
    }
  });

  it('gives the same Dense gradients as the cpu backend', async () => {
    await initBackend('wasm');
    const x = tf.randomNormal([16, 20], 0, 1, 'float32', 4);
    const w = tf.randomNormal([20, 8], 0, 1, 'float32', 5);
    const grads = (name: 'cpu' | 'wasm') =>
      onBackend(name, () => {
        const { dx, dw } = tf.tidy(() => {
          const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.matMul(xx, ww).tanh().sum());
          const [dx, dw] = g([x, w]);
          return { dx: dx!, dw: dw! };
        });
        return tf.concat([dx.flatten(), dw.flatten()]);
      });
    expect(maxRelDiff(await grads('wasm'), await grads('cpu'))).toBeLessThan(1e-4);
  });
});
