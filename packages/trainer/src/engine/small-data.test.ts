/**
 * DiffAugment and R1 on every preset: `--engine=auto` compiles them where the critic allows (R1 on a
 * conditional critic, or one with tanh layers, trains on TF.js and says why), and a step runs either
 * way with finite figures. A DCGAN critic leaves BatchNorm out with R1 (models/common.ts), so R1
 * compiles for each; one preset runs without augmentation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, resolveConfig, type ConfigOverrides } from '../config';
import { initBackend, tf } from '../kernels/backend';
import { ensureTrainingSupport } from './grad-support';
import { createEngine } from './index';
import { makeModels } from './onnx/parity-helpers';
import { sumsToList } from './sums';

// The backend training uses (TF.js's cpu backend takes a minute a step on the DCGAN-28 networks).
beforeAll(async () => {
  ensureTrainingSupport(tf, await initBackend('wasm'));
});

const ALL = ['translation', 'cutout', 'color'] as const;
/** Small networks of each family. */
const SMALL: ConfigOverrides = {
  batchSize: 4,
  hiddenG: [16],
  hiddenD: [16],
  latentDim: 8,
  imageSize: 16,
  filtersG: 8,
  filtersD: 8,
  embedDim: 4,
  threads: 1,
};

interface Case {
  preset: string;
  /** Why R1 trains on TF.js here (undefined: it compiles). */
  tfjs?: RegExp;
  /** Whether each of the steps run has R1 (default: one with, one without). */
  steps?: boolean[];
  /** Images without augmentation (default: with all three at p = 0.5). */
  plain?: boolean;
  shape: number[];
  classes?: number;
}

const CASES: Case[] = [
  // With R1 the DCGAN-28 critic has no BatchNorm, augmented or not: R1 compiles.
  { preset: 'fashion', shape: [28, 28, 1] },
  { preset: 'dcgan28', shape: [28, 28, 1], plain: true },
  { preset: 'mlp', shape: [28, 28, 1] },
  { preset: 'tiny', shape: [28, 28, 1] },
  // R1 takes BatchNorm out of every DCGAN critic, as the gradient penalty does.
  { preset: 'dcgan64', shape: [16, 16, 3] },
  { preset: 'emoji', shape: [16, 16, 3] },
  // A fixed network at 80 px, its critic without BatchNorm here (R1).
  { preset: 'rdcgan80', shape: [80, 80, 3] },
  {
    preset: 'cgan',
    tfjs: /R1 on a conditional or two-class critic trains on TF.js/,
    shape: [16, 16, 1],
    classes: 3,
  },
  { preset: 'wgan', shape: [16, 16, 3] },
  { preset: 'wgan-gp', shape: [28, 28, 1] },
  // 2-D data: R1 only.
  { preset: 'gaussian2d', tfjs: /this one has tanh/, shape: [2] },
  { preset: 'points', shape: [2] },
];

describe('augmentation and R1 on every preset (--engine=auto)', () => {
  it('covers every preset', () => {
    expect(CASES.map((c) => c.preset).sort()).toEqual(Object.keys(PRESETS).sort());
  });

  it.each(CASES)('$preset', async ({ preset, tfjs, shape, classes, steps = [true, false], plain }) => {
    const augmented = shape.length === 3 && !plain;
    const config = resolveConfig({
      flags: {
        ...SMALL,
        preset,
        ...(preset === 'gaussian2d' || preset === 'points' ? { batchSize: 8 } : {}),
        ...(augmented ? { augment: [...ALL], augmentP: 0.5 } : {}),
        r1: 1,
        r1Every: 2,
      },
    });
    // As the trainer makes them: with an EMA copy of G where the preset has one (fashion).
    const models = makeModels(tf, config, shape, classes);
    const B = config.batchSize;
    const ctx = { batch: B, dataShape: shape, numClasses: classes ?? 0 };
    const engine = await createEngine(tf, models, config, ctx);
    try {
      expect(engine.name).toBe(tfjs ? 'tfjs' : 'onnxruntime');
      if (tfjs) expect(engine.note).toMatch(tfjs);
      const n = B * shape.reduce((a, b) => a * b, 1);
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
      const labels = classes ? Int32Array.from({ length: B }, (_, i) => i % classes) : undefined;
      for (const [k, r1] of steps.entries()) {
        await engine.step({
          x,
          seed: 9 + k,
          generatorStep: true,
          noiseStd: 0,
          r1,
          ...(augmented ? { augmentP: 0.5 } : {}),
          ...(labels ? { labels } : {}),
        });
      }
      expect(sumsToList(await engine.readSums()).every(Number.isFinite)).toBe(true);
      expect((await engine.takeSignal()).count).toBe(steps.length * B);
    } finally {
      engine.dispose();
      models.generator.dispose();
      models.discriminator.dispose();
      models.ema?.dispose();
      models.optD.dispose();
      models.optG.dispose();
    }
  });
});
