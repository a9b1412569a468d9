/**
 * The compiled ReLU and LeakyReLU gradients at the values where a slope computed from the output's
 * sign could go wrong: zero of either sign, the smallest positive and negative floats (denormals),
 * the largest ones, and ordinary values. TF.js takes the slope as x > 0 ? 1 : α.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../graph';
import type { BackwardContext } from './op';
import { activation, type ActivationOp } from './activation';

const Y = [0, -0, 1e-45, -1e-45, 1.2e-38, 3.4e38, -3.4e38, 0.5, -0.5, 2];

async function slopes(op: ActivationOp, y: number[]): Promise<number[]> {
  const g = new Graph('slope');
  const yIn = g.input('y', [y.length]);
  const dy = g.input('dy', [y.length]);
  const ctx = { needDx: true, weights: false } as BackwardContext;
  g.output(activation.backward(g, op, { y: yIn }, dy, ctx), 'dx', [y.length]);
  const session = await ort.InferenceSession.create(g.encode());
  try {
    const out = await session.run({
      y: new ort.Tensor('float32', Float32Array.from(y), [y.length]),
      dy: new ort.Tensor('float32', new Float32Array(y.length).fill(1), [y.length]),
    });
    // dy = 1: dx is the slope (−0 read as 0).
    return Array.from(out.dx!.data as Float32Array, (v) => v + 0);
  } finally {
    await session.release();
  }
}

describe('ReLU and LeakyReLU gradients', () => {
  it.each([0, 0.2, 1, 1.5])('slope 1 where the output is positive, α elsewhere (α = %s)', async (alpha) => {
    const op: ActivationOp = { kind: 'act', act: alpha === 0 ? 'relu' : 'leaky', alpha };
    // A LeakyReLU's output has its input's sign (α ≥ 0), so the output stands for x here.
    const expected = Y.map((y) => Math.fround(y > 0 ? 1 : alpha));
    expect(await slopes(op, Y)).toEqual(expected);
  });
});
