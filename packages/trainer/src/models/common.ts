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
