/**
 * The compiled step computes what the TF.js step computes: the same models, batch and seeds through
 * both engines (TF.js on its cpu backend), compared after each of two steps — gradients (read from
 * the optimizers' first slots, which after a step from zero hold (1 − β1)·g), weights, BatchNorm
 * moving statistics, the EMA copy and the figures.
 */
import seedrandom from 'seedrandom';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, type ConfigOverrides } from '../../config';
import { ensureTrainingSupport } from '../grad-support';
import { createEngine } from '../index';
import { readOptimizerState } from '../optimizer-state';
import { sumsToList } from '../sums';
import { TfjsEngine } from '../tfjs-step';
import type { TrainEngine } from '../types';
import { createNodeEngine } from './node-engine';
import { makeModels, relErr, weightsAgree } from './parity-helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // As training does: Greater's (zero) gradient for the gradient penalty, and a right gradient of
  // upsampling on this backend.
  ensureTrainingSupport(tf, 'cpu');
});

interface Case {
  name: string;
  flags: ConfigOverrides;
  /** One example's shape. */
  shape: number[];
  /** Whether each step compared updates G too (default: two full steps). */
  generatorSteps?: boolean[];
  /** Classes of a conditional model. */
  classes?: number;
  /** With --augment: the probability each example is augmented (default 1). */
  augmentP?: number;
  /** With --r1: whether each step adds it (default: every step). */
  r1Steps?: boolean[];
}

const ALL_AUGMENTATIONS = ['translation', 'cutout', 'color'] as const;

const CASES: Case[] = [
  { name: 'gaussian2d', flags: { preset: 'gaussian2d' }, shape: [2] },
  { name: 'mlp', flags: { preset: 'mlp', batchSize: 16 }, shape: [28, 28, 1] },
  { name: 'tiny', flags: { preset: 'tiny' }, shape: [28, 28, 1] },
  { name: 'dcgan28', flags: { preset: 'dcgan28', batchSize: 4 }, shape: [28, 28, 1], generatorSteps: [true] },
  {
    name: 'dcgan64 (RGB, 16x16)',
    flags: { preset: 'dcgan64', batchSize: 4, imageSize: 16, filtersG: 8, filtersD: 8 },
    shape: [16, 16, 3],
  },
  {
    // TF.js's cpu backend differentiates upsampling right only with ensureTrainingSupport's fix.
    name: 'dcgan64, upsample + 3x3 conv generator',
    flags: {
      preset: 'dcgan64',
      upsample: 'resize-conv',
      batchSize: 4,
      imageSize: 16,
      filtersG: 16,
      filtersD: 8,
    },
    shape: [16, 16, 3],
  },
  {
    name: 'wgan (RMSprop, clipping, critic-only steps)',
    flags: { preset: 'wgan', batchSize: 4, imageSize: 16, filtersG: 8, filtersD: 8 },
    shape: [16, 16, 3],
    generatorSteps: [false, true],
  },
  {
    name: 'least-squares + EMA',
    flags: { preset: 'tiny', loss: 'least-squares', emaDecay: 0.9 },
    shape: [28, 28, 1],
  },
  { name: 'hinge', flags: { preset: 'tiny', loss: 'hinge' }, shape: [28, 28, 1] },
  {
    name: 'minimax + label smoothing',
    flags: { preset: 'tiny', loss: 'minimax', labelSmoothing: 0.1 },
    shape: [28, 28, 1],
  },
  { name: 'instance noise', flags: { preset: 'tiny', instanceNoise: 0.1 }, shape: [28, 28, 1] },
  {
    name: 'conditional MLP (label embedding next to z and to the pixels)',
    flags: { preset: 'tiny', conditional: true, modeSeeking: 0, embedDim: 6 },
    shape: [28, 28, 1],
    classes: 10,
  },
  {
    name: 'cgan (label plane in D, mode seeking)',
    flags: { preset: 'cgan', batchSize: 4, imageSize: 16, filtersG: 8, filtersD: 8, embedDim: 5 },
    shape: [16, 16, 1],
    classes: 3,
  },
  {
    name: 'cgan with a projection discriminator',
    flags: {
      preset: 'cgan',
      conditioning: 'projection',
      batchSize: 4,
      imageSize: 16,
      filtersG: 8,
      filtersD: 8,
      embedDim: 5,
    },
    shape: [16, 16, 1],
    classes: 3,
  },
  {
    name: 'conditional MLP with a projection discriminator',
    flags: { preset: 'tiny', conditional: true, conditioning: 'projection', modeSeeking: 0, embedDim: 6 },
    shape: [28, 28, 1],
    classes: 10,
  },
  { name: 'mode seeking, unconditional', flags: { preset: 'tiny', modeSeeking: 1 }, shape: [28, 28, 1] },
  {
    name: 'wgan-gp (gradient penalty, critic-only steps)',
    flags: { preset: 'wgan-gp', batchSize: 8, hiddenG: [16], hiddenD: [24, 12], latentDim: 8 },
    shape: [28, 28, 1],
    generatorSteps: [false, true],
  },
  {
    name: 'wgan-gp with a DCGAN critic (RGB, 16x16)',
    flags: { preset: 'wgan-gp', model: 'dcgan64', batchSize: 4, imageSize: 16, filtersG: 8, filtersD: 16 },
    shape: [16, 16, 3],
    generatorSteps: [false, true],
  },
  {
    name: 'gradient penalty with the hinge loss, generator steps',
    flags: { preset: 'tiny', gradientPenalty: 1, loss: 'hinge' },
    shape: [28, 28, 1],
  },
  {
    name: "points-mlp (the playground's editable 2-D MLP, tanh)",
    flags: {
      preset: 'points',
      batchSize: 16,
      hiddenG: [16, 8],
      hiddenD: [12],
      activation: 'tanh',
      latentDim: 3,
    },
    shape: [2],
  },
  {
    // 'valid' transposed convolutions cropped (Cropping2D), Rescaling at both ends, a sigmoid image.
    name: 'rdcgan80 (RGB, 80x80, summed BCE)',
    flags: { preset: 'rdcgan80', batchSize: 2, filtersG: 4, filtersD: 4 },
    shape: [80, 80, 3],
  },
  {
    name: 'rdcgan80 critic with a gradient penalty (through its Rescaling)',
    flags: {
      preset: 'rdcgan80',
      loss: 'wasserstein',
      lossReduction: 'mean',
      gradientPenalty: 10,
      dSteps: 5,
      batchSize: 2,
      filtersG: 4,
      filtersD: 4,
    },
    shape: [80, 80, 3],
    generatorSteps: [false, true],
  },
  {
    name: 'summed least-squares loss',
    flags: { preset: 'tiny', loss: 'least-squares', lossReduction: 'sum' },
    shape: [28, 28, 1],
  },
  {
    name: 'two-class softmax head',
    flags: { preset: 'tiny', discriminatorHead: 'softmax2', labelSmoothing: 0.1 },
    shape: [28, 28, 1],
  },
  // DiffAugment: D sees augmented real and generated images; G's gradient goes back through them.
  {
    name: 'DiffAugment translation (dcgan28)',
    flags: { preset: 'dcgan28', batchSize: 4, augment: ['translation'] },
    shape: [28, 28, 1],
    generatorSteps: [true],
  },
  { name: 'DiffAugment cutout (MLP)', flags: { preset: 'tiny', augment: ['cutout'] }, shape: [28, 28, 1] },
  {
    name: 'DiffAugment color (dcgan64, RGB 16x16)',
    flags: { preset: 'dcgan64', batchSize: 4, imageSize: 16, filtersG: 8, filtersD: 8, augment: ['color'] },
    shape: [16, 16, 3],
  },
  {
    name: 'DiffAugment, all three at p = 0.5, conditional (cgan)',
    flags: {
      preset: 'cgan',
      batchSize: 4,
      imageSize: 16,
      filtersG: 8,
      filtersD: 8,
      embedDim: 5,
      augment: [...ALL_AUGMENTATIONS],
    },
    shape: [16, 16, 1],
    classes: 3,
    augmentP: 0.5,
  },
  {
    name: 'DiffAugment, all three at p = 0 (identity parameters)',
    flags: { preset: 'tiny', augment: [...ALL_AUGMENTATIONS] },
    shape: [28, 28, 1],
    augmentP: 0,
  },
  {
    name: 'gradient penalty at augmented batches (wgan-gp, critic-only steps)',
    flags: {
      preset: 'wgan-gp',
      batchSize: 8,
      hiddenG: [16],
      hiddenD: [24, 12],
      latentDim: 8,
      augment: ['translation', 'cutout'],
    },
    shape: [28, 28, 1],
    generatorSteps: [false, true],
  },
  // R1: γ/2 · E‖∇ₓD(x_real)‖², its second-order pass compiled.
  { name: 'R1 (MLP)', flags: { preset: 'tiny', r1: 5 }, shape: [28, 28, 1] },
  {
    name: 'lazy R1 every 2 steps, hinge loss (R1 graph, then the plain one)',
    flags: { preset: 'tiny', loss: 'hinge', r1: 2, r1Every: 2 },
    shape: [28, 28, 1],
    r1Steps: [true, false],
  },
  {
    name: 'R1 through all three augmentations (dcgan64 critic, RGB 16x16)',
    flags: {
      preset: 'dcgan64',
      batchSize: 4,
      imageSize: 16,
      filtersG: 8,
      filtersD: 8,
      r1: 10,
      augment: [...ALL_AUGMENTATIONS],
    },
    shape: [16, 16, 3],
  },
];

const values = (m: tf.LayersModel) => m.weights.map((w) => w.read().dataSync() as Float32Array);

describe('the compiled step matches the TF.js step (cpu backend)', () => {
  it.each(CASES)('$name', async (c) => {
    const { flags, shape, generatorSteps = [true, true], classes } = c;
    const config = resolveConfig({ flags: { ...flags, seed: 3 } });
    const B = config.batchSize;
    const ref = makeModels(tf, config, shape, classes);
    const ours = makeModels(tf, config, shape, classes);
    const ctx = { config, batch: B, dataShape: shape, numClasses: classes ?? 0 };
    const engines: TrainEngine[] = [
      new TfjsEngine(tf, ref, ctx),
      await createNodeEngine(tf, ours, { ...ctx, threads: 1, provider: 'cpu' }),
    ];
    const rand = seedrandom.alea('parity');
    const n = B * shape.reduce((a, b) => a * b, 1);
    try {
      for (const [k, generatorStep] of generatorSteps.entries()) {
        const x = Float32Array.from({ length: n }, () => rand() * 2 - 1);
        const labels = classes
          ? Int32Array.from({ length: B }, () => Math.floor(rand() * classes))
          : undefined;
        const batch = {
          x,
          seed: 100 + k,
          generatorStep,
          noiseStd: config.instanceNoise,
          ...(labels ? { labels } : {}),
          ...(config.augment.length ? { augmentP: c.augmentP ?? 1 } : {}),
          r1: c.r1Steps?.[k] ?? config.r1 > 0,
        };
        for (const e of engines) await e.step(batch);
        for (const e of engines) await e.sync();
        const [sumsRef, sumsOurs] = (await Promise.all(engines.map((e) => e.readSums()))).map(sumsToList);
        // The six figures agree to rounding; the counts of examples seen exactly.
        expect(relErr(sumsOurs!.slice(0, 6), sumsRef!.slice(0, 6))).toBeLessThan(1e-4);
        expect(sumsOurs!.slice(6)).toEqual(sumsRef!.slice(6));
        // The overfitting signal of adaptive augmentation: whole numbers, the same.
        const [signalRef, signalOurs] = await Promise.all(engines.map((e) => e.takeSignal()));
        expect(signalOurs).toEqual(signalRef);
        // Gradients: the optimizers' first slots, matched by the position of their variable.
        for (const [which, model] of [
          ['optD', 'discriminator'],
          ['optG', 'generator'],
        ] as const) {
          const [a, b] = await Promise.all([readOptimizerState(ours[which]), readOptimizerState(ref[which])]);
          expect(a.iterations).toBe(b.iterations);
          expect(a.powers).toEqual(b.powers);
          const all: [number[], number[]] = [[], []];
          ours[model].trainableWeights.forEach((w, i) => {
            const mine = a.slots[i]![0];
            // Before G's first update TF.js has no slots yet; the compiled engine's are zeros.
            const first = b.slots[i]?.[0] ?? new Float32Array(mine.length);
            for (let j = 0; j < mine.length; j++) {
              all[0].push(mine[j]!);
              all[1].push(first[j]!);
            }
            // Per tensor a little looser: a bias gradient can be a sum that nearly cancels.
            expect(relErr(mine, first), `step ${k + 1} ${which} ${w.name}`).toBeLessThan(1e-3);
          });
          expect(relErr(all[0], all[1]), `step ${k + 1} ${which}`).toBeLessThan(1e-4);
        }
        // Weights, with the BatchNorm moving statistics (non-trainable) compared strictly.
        for (const key of ['generator', 'discriminator', 'ema'] as const) {
          if (!ref[key]) continue;
          const [a, b] = [values(ours[key]!), values(ref[key]!)];
          ref[key]!.weights.forEach((w, i) => {
            if (w.trainable) expect(weightsAgree(a[i]!, b[i]!), `${key} ${w.name}`).toBe(true);
            else expect(relErr(a[i]!, b[i]!), `${key} ${w.name}`).toBeLessThan(1e-4);
          });
        }
      }
    } finally {
      for (const e of engines) e.dispose();
      for (const m of [ref, ours]) {
        m.generator.dispose();
        m.discriminator.dispose();
        m.ema?.dispose();
        m.optD.dispose();
        m.optG.dispose();
      }
    }
  });
});

describe('--engine=auto on the points-mlp model', () => {
  it.each([
    { activation: 'relu', gradientPenalty: 0, engine: 'onnxruntime' },
    { activation: 'leakyRelu', gradientPenalty: 1, engine: 'onnxruntime' },
    // The penalty's second-order pass compiles for ReLU/LeakyReLU critics only: TF.js, saying why.
    {
      activation: 'tanh',
      gradientPenalty: 1,
      engine: 'tfjs',
      note: /gradient penalty .* \(this one has tanh\)/,
    },
  ] as const)('$activation, gradient penalty $gradientPenalty: $engine', async (c) => {
    const config = resolveConfig({
      flags: {
        preset: 'points',
        hiddenG: [8],
        hiddenD: [8],
        activation: c.activation,
        gradientPenalty: c.gradientPenalty,
        ...(c.gradientPenalty ? { loss: 'wasserstein' } : {}),
        threads: 1,
      },
    });
    const models = makeModels(tf, config, [2]);
    const engine = await createEngine(tf, models, config, { batch: 16, dataShape: [2], numClasses: 0 });
    try {
      expect(engine.name).toBe(c.engine);
      if ('note' in c && c.note) expect(engine.note).toMatch(c.note);
      else expect(engine.note).toBeUndefined();
      // Either way a step runs and gives finite figures.
      const x = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i));
      await engine.step({ x, seed: 5, generatorStep: true, noiseStd: 0 });
      expect(sumsToList(await engine.readSums()).every(Number.isFinite)).toBe(true);
    } finally {
      engine.dispose();
      models.generator.dispose();
      models.discriminator.dispose();
      models.optD.dispose();
      models.optG.dispose();
    }
  });
});
