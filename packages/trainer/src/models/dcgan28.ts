/**
 * The DCGAN-28 preset: exactly the reference network of bench/reference/models.py (PyTorch, NCHW),
 * written in TF.js layers with NHWC tensors. BatchNorm momentum 0.9 is PyTorch's 0.1; epsilon 1e-5.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { ConfigError } from '../config/errors';

export interface Dcgan28Options {
  latentDim: number;
  /** Image shape [h, w, c]; DCGAN-28 is defined for 28x28 (two stride-2 steps from 7x7). */
  imageShape: [number, number, number];
  /** Base seed; each layer's initialiser gets its own seed derived from it. */
  seed: number;
  /**
   * Whether D has its BatchNorm (default true). Without it D's second convolution takes a bias, as the
   * other DCGAN critics do where they leave BatchNorm out (models/common.ts: criticBatchNorm).
   */
  batchNormD?: boolean;
}

export interface Dcgan28 {
  generator: tfTypes.LayersModel;
  discriminator: tfTypes.LayersModel;
}

export function buildDcgan28(tf: typeof tfTypes, options: Dcgan28Options): Dcgan28 {
  const [h, w, c] = options.imageShape;
  if (h !== 28 || w !== 28) {
    throw new ConfigError(
      `the dcgan28 model needs 28x28 images, the dataset has ${h}x${w}: use a 28x28 dataset or another --preset`,
    );
  }
  let seed = options.seed * 1000;
  const weight = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: seed++ });
  const bn = () =>
    tf.layers.batchNormalization({
      momentum: 0.9,
      epsilon: 1e-5,
      gammaInitializer: tf.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: seed++ }),
      betaInitializer: 'zeros',
      movingMeanInitializer: 'zeros',
      movingVarianceInitializer: 'ones',
    });

  const generator = tf.sequential({ name: 'generator' });
  generator.add(
    tf.layers.dense({
      units: 7 * 7 * 128,
      useBias: false,
      inputShape: [options.latentDim],
      kernelInitializer: weight(),
    }),
  );
  generator.add(bn());
  generator.add(tf.layers.reLU());
  generator.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  generator.add(
    tf.layers.conv2dTranspose({
      filters: 64,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: weight(),
    }),
  );
  generator.add(bn());
  generator.add(tf.layers.reLU());
  generator.add(
    tf.layers.conv2dTranspose({
      filters: c,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: weight(),
      biasInitializer: 'zeros',
    }),
  );

  const discriminator = tf.sequential({ name: 'discriminator' });
  discriminator.add(
    tf.layers.conv2d({
      filters: 64,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      inputShape: [h, w, c],
      kernelInitializer: weight(),
      biasInitializer: 'zeros',
    }),
  );
  discriminator.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  const useBn = options.batchNormD ?? true;
  discriminator.add(
    tf.layers.conv2d({
      filters: 128,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: !useBn,
      kernelInitializer: weight(),
      ...(useBn ? {} : { biasInitializer: 'zeros' as const }),
    }),
  );
  if (useBn) discriminator.add(bn());
  discriminator.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  discriminator.add(tf.layers.flatten());
  discriminator.add(tf.layers.dense({ units: 1, kernelInitializer: weight(), biasInitializer: 'zeros' }));
  return { generator, discriminator };
}
