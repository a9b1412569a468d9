/** Pieces the config-driven builders (gaussian2d, mlp, dcgan64) share. */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';

export type Initializer = ReturnType<typeof tfTypes.initializers.randomNormal>;

/**
 * N(mean, std) initialisers (std defaults to --initStd), each with its own seed counted up from
 * seed·1000 in the order the builder asks for them, so a seed fixes every starting weight.
 */
export function seededNormal(
  tf: typeof tfTypes,
  config: Pick<TrainConfig, 'seed' | 'initStd'>,
): (mean?: number, std?: number) => Initializer {
  let layerSeed = config.seed * 1000;
  return (mean = 0, std = config.initStd) =>
    tf.initializers.randomNormal({ mean, stddev: std, seed: layerSeed++ });
}

/** D's outputs: one logit (or critic score), or the two logits of the softmax head. */
export const discriminatorOutputs = (config: Pick<TrainConfig, 'discriminatorHead'>): 1 | 2 =>
  config.discriminatorHead === 'softmax2' ? 2 : 1;

/**
 * Whether a DCGAN critic keeps its BatchNorm: not with a per-example penalty (the gradient penalty or
 * R1: batch statistics would tie the examples' gradients together, and the penalties compile only for
 * critics without it), nor on images augmented at a fixed p; yes otherwise, adaptive p (--augment-p=auto)
 * included. Batch statistics judge each image against a batch of its own kind — all real or all
 * generated — and with DiffAugment at p = 1 much of a batch's spread is the augmentation's: on 1,000
 * Fashion-MNIST images (translation and cutout) the batch-normalised DCGAN-28 critic told the two
 * batches apart completely within 100 steps (D's loss 0.000) and G fell into one periodic pattern for
 * hundreds of steps, for both seeds tried, while the same critic without BatchNorm trained. Adaptive p
 * starts at 0 and rises only while D calls its real images real too surely; without BatchNorm the
 * critic never grew that sure on the same 1,000 images (r_t 0.1–0.4 under the 0.6 target, p 0
 * throughout), with it p rose to 0.5–0.86 and training went on (trainer README, "Small data").
 */
export const criticBatchNorm = (
  config: Pick<TrainConfig, 'augment' | 'augmentP' | 'gradientPenalty' | 'r1'>,
): boolean =>
  config.gradientPenalty === 0 &&
  config.r1 === 0 &&
  (config.augment.length === 0 || config.augmentP === 'auto');
