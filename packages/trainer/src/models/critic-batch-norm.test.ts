/**
 * When the DCGAN critics keep BatchNorm (models/common.ts: criticBatchNorm): without augmentation and
 * with adaptive p, not at a fixed p nor with a per-example penalty, for each DCGAN family as the
 * trainer builds it.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { resolveConfig, type ConfigOverrides } from '../config';
import { buildModels } from './index';

const SMALL: ConfigOverrides = { batchSize: 4, latentDim: 8, filtersG: 8, filtersD: 8 };

const CASES = [
  { preset: 'dcgan28', shape: [28, 28, 1] },
  { preset: 'dcgan64', shape: [16, 16, 3], imageSize: 16 },
  { preset: 'rdcgan80', shape: [80, 80, 3] },
];

function criticNorms(flags: ConfigOverrides, shape: number[]): number {
  const { generator, discriminator } = buildModels(tf, resolveConfig({ flags }), { shape });
  const norms = discriminator.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
  generator.dispose();
  discriminator.dispose();
  return norms;
}

describe('the DCGAN critics and augmentation', () => {
  it.each(CASES)(
    '$preset keeps BatchNorm unaugmented and under auto p, not at a fixed p nor with R1 or a gradient penalty',
    ({ preset, shape, imageSize }) => {
      const base = { ...SMALL, preset, ...(imageSize ? { imageSize } : {}) };
      const augment = ['translation', 'cutout', 'color'] as const;
      const plain = criticNorms(base, shape);
      expect(plain).toBeGreaterThan(0);
      expect(criticNorms({ ...base, augment: [...augment], augmentP: 'auto' }, shape)).toBe(plain);
      expect(criticNorms({ ...base, augment: [...augment], augmentP: 0.5 }, shape)).toBe(0);
      expect(criticNorms({ ...base, augment: [...augment], augmentP: 1 }, shape)).toBe(0);
      expect(criticNorms({ ...base, r1: 1 }, shape)).toBe(0);
      expect(criticNorms({ ...base, augment: [...augment], augmentP: 'auto', r1: 1 }, shape)).toBe(0);
      expect(criticNorms({ ...base, loss: 'wasserstein', gradientPenalty: 10 }, shape)).toBe(0);
    },
  );
});
