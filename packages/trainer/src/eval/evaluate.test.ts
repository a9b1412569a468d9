/**
 * Sanity of the evaluator on small sample counts, in the committed classifier's features, with the
 * bundled Fashion-MNIST test split as the only real data (two disjoint halves).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../kernels/backend';
import { readIdxLabels } from '../data/idx';
import { Classifier } from './classifier';
import { evaluateImages, evaluatePoints, referenceFeatures, type ReferenceFeatures } from './evaluate';
import {
  DEFAULT_REFERENCE,
  readIdxSamples,
  sampleLayersGenerator,
  sliceSamples,
  type SampleSet,
} from './sources';

const LABELS = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'data',
  'fashion-mnist',
  't10k-labels-idx1-ubyte.gz',
);
const N = 1000;
/** KID on a few small subsets keeps each evaluation to a few matmuls. */
const FAST = { kidSubsets: 4, kidSubsetSize: 500 };

let classifier: Classifier;
let all: SampleSet;
let halfA: SampleSet;
let refB: ReferenceFeatures;

beforeAll(async () => {
  await initBackend('wasm');
  classifier = await Classifier.load();
  all = readIdxSamples(DEFAULT_REFERENCE);
  halfA = sliceSamples(all, 0, N);
  refB = await referenceFeatures(classifier, sliceSamples(all, 5000, N));
});

afterAll(() => classifier?.dispose());

function withNoise(s: SampleSet, sigma: number, seed: number): SampleSet {
  const rng = seedrandom.alea(`noise:${seed}`);
  const values = s.values.map((v) => {
    const g = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    return Math.max(-1, Math.min(1, v + sigma * g));
  });
  return { ...s, values };
}

describe('classifier-feature evaluation (fmnist-classifier-v1)', () => {
  it('ships a classifier with ≥ 90% test accuracy, named in every report', async () => {
    expect(classifier.info.name).toBe('fmnist-classifier-v1');
    expect(classifier.info.testAccuracy).toBeGreaterThanOrEqual(0.9);
    const r = await evaluateImages(classifier, sliceSamples(halfA, 0, 200), refB, {
      kidSubsets: 2,
      kidSubsetSize: 100,
    });
    expect(r.evaluator).toBe('fmnist-classifier-v1');
  });

  it('FD(real half vs other real half) is far below FD(untrained generator vs real)', async () => {
    const real = await evaluateImages(classifier, halfA, refB, FAST);
    const g = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [16], units: 784, activation: 'tanh' }),
        tf.layers.reshape({ targetShape: [28, 28, 1] }),
      ],
    });
    const fake = await evaluateImages(
      classifier,
      sampleLayersGenerator(
        g,
        16,
        { kind: 'image', height: 28, width: 28, channels: 1, range: [-1, 1] },
        N,
        1,
      ),
      refB,
    );
    g.dispose();
    expect(real.fd).toBeGreaterThan(0);
    expect(fake.fd).toBeGreaterThan(20 * real.fd);
    expect(fake.kid).toBeGreaterThan(20 * Math.max(real.kid, real.kidStd));
    expect(real.precision).toBeGreaterThan(0.6);
    expect(real.recall).toBeGreaterThan(0.6);
    expect(real.classesPresent).toBe(10);
    expect(real.classifierScore).toBeGreaterThan(fake.classifierScore!);
  });

  it('FD and KID grow with the strength of Gaussian noise added to real images', async () => {
    const sigmas = [0, 0.1, 0.3, 0.6, 1.0];
    const reports = [];
    for (const [i, s] of sigmas.entries())
      reports.push(await evaluateImages(classifier, withNoise(halfA, s, i), refB, FAST));
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.fd).toBeGreaterThan(reports[i - 1]!.fd);
      expect(reports[i]!.kid).toBeGreaterThan(reports[i - 1]!.kid);
    }
  });

  it('a collapsed set (one class repeated) has low recall and coverage but high precision', async () => {
    const labels = readIdxLabels(LABELS);
    const trousers: number[] = [];
    for (let i = 0; i < 5000 && trousers.length < 50; i++) if (labels[i] === 1) trousers.push(i);
    const values = new Float32Array(N * 784);
    for (let i = 0; i < N; i++)
      values.set(all.values.subarray(trousers[i % 50]! * 784, (trousers[i % 50]! + 1) * 784), i * 784);
    const collapsed: SampleSet = { kind: 'image', count: N, height: 28, width: 28, channels: 1, values };
    const r = await evaluateImages(classifier, collapsed, refB, FAST);
    const real = await evaluateImages(classifier, halfA, refB, FAST);
    expect(r.precision).toBeGreaterThan(0.8);
    expect(r.recall).toBeLessThan(0.15);
    expect(r.classesPresent).toBe(1);
    expect(r.classHistogram![1]).toBeGreaterThan(0.9 * N);
    expect(r.classifierScore).toBeLessThan(1.5);
    expect(r.fd).toBeGreaterThan(10 * real.fd);
  });

  it('refuses images the classifier cannot take, in one line', async () => {
    const rgb: SampleSet = {
      kind: 'image',
      count: 2,
      height: 4,
      width: 4,
      channels: 3,
      values: new Float32Array(96),
    };
    await expect(evaluateImages(classifier, rgb, refB)).rejects.toThrow(
      /4x4x3 images; evaluator fmnist-classifier-v1 takes 28x28x1/,
    );
  });
});

describe('2-D evaluation (points-2d)', () => {
  const gauss = (n: number, shift: number, seed: number): SampleSet => {
    const rng = seedrandom.alea(`pts:${seed}`);
    const values = new Float32Array(n * 2).map(
      () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()) + shift,
    );
    return { kind: 'points', count: n, dims: 2, values };
  };

  it('is near zero for two draws of one distribution and grows with a shift', () => {
    const same = evaluatePoints(gauss(4000, 0, 1), gauss(4000, 0, 2));
    const shifted = evaluatePoints(gauss(4000, 1.5, 3), gauss(4000, 0, 2));
    expect(same.meanDistance).toBeLessThan(0.1);
    expect(same.covDistance).toBeLessThan(0.15);
    expect(same.gridJs).toBeLessThan(0.05);
    expect(shifted.meanDistance).toBeCloseTo(1.5 * Math.SQRT2, 0);
    expect(shifted.gridJs).toBeGreaterThan(5 * same.gridJs);
    expect(shifted.frechet).toBeGreaterThan(3);
  });
});
