/**
 * Generators made by PyTorch, not hand-built graphs: fixtures/torch-dcgan.onnx and torch-mlp.onnx were
 * written by torch.onnx.export (scripts/torch-export.py, which also wrote the .expected.json files: a fixed
 * input and what PyTorch computed from it). Loaded with no options, the SDK has to work out what they are
 * (a probe run for the DCGAN's symbolic height and width, a square image for the MLP's flat 784 values),
 * say so in info.sources, and give PyTorch's values.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGenerator } from './node';
import type { Generator } from './types';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

interface Expected {
  made_by: string;
  input: { name: string; shape: number[]; values: number[] };
  output: { name: string; shape: number[]; values: number[] };
}
const expected = (name: string): Expected =>
  JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), 'utf8')) as Expected;

/** The largest absolute difference between two equally long arrays. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
}

/** Samples the fixture's own input and compares with PyTorch: raw output, and pixels mapped from Tanh's range. */
async function matchesTorch(g: Generator, want: Expected, shape: [number, number, number]): Promise<void> {
  const count = want.input.shape[0]!;
  const r = await g.sample({ count, latents: new Float32Array(want.input.values), raw: true });
  if (r.kind !== 'image') throw new Error('expected an image');
  expect([r.count, r.height, r.width, r.channels]).toEqual([count, ...shape]);
  expect(worst(r.raw!, want.output.values)).toBeLessThan(1e-5);
  // Single channel: the pixels are the output mapped from Tanh's [-1, 1] to [0, 1].
  const pixels = want.output.values.map((v) => (v + 1) / 2);
  expect(worst(r.pixels, pixels)).toBeLessThan(1e-5);
}

describe('torch.onnx.export files, loaded with no options', () => {
  it('a DCGAN with symbolic output sizes [batch,1,height,width]: one probe run tells them', async () => {
    const want = expected('torch-dcgan');
    const g = await loadGenerator(join(fixtures, 'torch-dcgan.onnx'));
    try {
      expect(g.info).toMatchObject({
        kind: 'image',
        latentDim: 16,
        latentShape: [16, 1, 1],
        inputName: 'noise',
        outputName: 'out',
        image: { channels: 1, height: 16, width: 16, layout: 'NCHW' },
        outputRange: [-1, 1],
      });
      expect(g.info.sources).toMatchObject({
        latentShape: 'graph',
        outputShape: 'probe',
        image: 'probe',
        outputRange: 'graph',
      });
      await matchesTorch(g, want, [16, 16, 1]);
    } finally {
      await g.dispose();
    }
  });

  it('an MLP with a flat [batch,784] output: read as a 28x28 single-channel image', async () => {
    const want = expected('torch-mlp');
    const g = await loadGenerator(join(fixtures, 'torch-mlp.onnx'));
    try {
      expect(g.info).toMatchObject({
        kind: 'image',
        latentDim: 16,
        inputName: 'z',
        outputName: 'img',
        image: { channels: 1, height: 28, width: 28 },
        outputRange: [-1, 1],
      });
      expect(g.info.sources).toMatchObject({ kind: 'inferred', image: 'inferred', outputRange: 'graph' });
      await matchesTorch(g, want, [28, 28, 1]);
    } finally {
      await g.dispose();
    }
  });
});
