/**
 * The d2l chapter's GAN for 2-D points (d2l.ai, "Generative Adversarial Networks"): G is one linear
 * layer from z to a point, D two tanh layers (5 and 3 units) and a logit. Weights and biases N(0, initStd).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';
import { discriminatorOutputs, seededNormal } from './common';
import type { GanModels, ModelDataSpec } from './types';

export function buildGaussian2d(tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec): GanModels {
  const init = seededNormal(tf, config);
  const dims = data.shape[0] ?? 2;
  const dense = (units: number, activation?: 'tanh') =>
    tf.layers.dense({ units, activation, kernelInitializer: init(), biasInitializer: init() });
  const generator = tf.sequential({ name: 'generator' });
  generator.add(
    tf.layers.dense({
      units: dims,
      inputShape: [config.latentDim],
      kernelInitializer: init(),
      biasInitializer: init(),
    }),
  );
  const discriminator = tf.sequential({ name: 'discriminator' });
  discriminator.add(
    tf.layers.dense({
      units: 5,
      activation: 'tanh',
      inputShape: [dims],
      kernelInitializer: init(),
      biasInitializer: init(),
    }),
  );
  discriminator.add(dense(3, 'tanh'));
  discriminator.add(dense(discriminatorOutputs(config)));
  return { generator, discriminator };
}
