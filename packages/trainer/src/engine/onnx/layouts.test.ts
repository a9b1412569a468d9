/**
 * Where a compiled step keeps its images channels-last: between tap convolutions (conv-taps.ts), the
 * activations, BatchNorm and reshapes read each image's NHWC form, so the only transposes left in a
 * DCGAN step are the stride-phase splits and the one-channel images at the ends.
 */
import { decodeModel } from '@ganforge/inference/onnx';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config';
import { readNet } from './net';
import { makeModels } from './parity-helpers';
import { buildStepGraph } from './step';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The permutations of a step graph's transposes. */
function transposes(preset: string, shape: number[]): number[][] {
  const config = resolveConfig({ flags: { preset, batchSize: 8 } });
  const models = makeModels(tf, config, shape);
  const G = readNet(models.generator);
  const D = readNet(models.discriminator);
  const { bytes } = buildStepGraph(G, D, config, 8, shape, true);
  models.generator.dispose();
  models.discriminator.dispose();
  return decodeModel(bytes)
    .graph!.node!.filter((n) => n.opType === 'Transpose')
    .map((n) => (n.attribute ?? []).find((a) => a.name === 'perm')!.ints!.map(Number));
}

describe('channels-last images in the compiled step', () => {
  it('DCGAN-28 transposes only to split stride phases and at its one-channel ends', () => {
    const perms = transposes('dcgan28', [28, 28, 1]);
    const layout = perms.filter((p) => p.length === 4);
    // G's output to NCHW, and D's input batch to NHWC: one channel each, so a copy in order.
    expect(layout).toEqual(
      expect.arrayContaining([
        [0, 3, 1, 2],
        [0, 2, 3, 1],
      ]),
    );
    expect(layout).toHaveLength(2);
    expect(perms.filter((p) => p.length === 6).every((p) => p.join() === '0,1,3,2,4,5')).toBe(true);
  });
});
