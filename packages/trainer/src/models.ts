/** Generator and discriminator builders for each `model` family. */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from './config';
import { buildDcgan28 } from './models/dcgan28';

export interface GanModels {
  generator: tfTypes.LayersModel;
  discriminator: tfTypes.LayersModel;
}

export function buildModels(tf: typeof tfTypes, config: TrainConfig, dataShape: number[]): GanModels {
  // Every weight and bias starts N(0, initStd); a seed per layer keeps runs repeatable.
  let layerSeed = config.seed * 1000;
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: config.initStd, seed: layerSeed++ });
  const dense = (units: number, activation?: 'tanh' | 'linear', name?: string) =>
    tf.layers.dense({ units, activation, kernelInitializer: init(), biasInitializer: init(), name });

  if (config.model === 'gaussian2d') {
    const dims = dataShape[0] ?? 2;
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
    discriminator.add(dense(1));
    return { generator, discriminator };
  }

  if (config.model === 'dcgan28') {
    return buildDcgan28(tf, {
      latentDim: config.latentDim,
      imageShape: dataShape as [number, number, number],
      seed: config.seed,
    });
  }

  // MLP GAN on images: LeakyReLU(0.2) hidden layers, tanh output reshaped to the image.
  const [h, w, c] = dataShape as [number, number, number];
  const pixels = h * w * c;
  const generator = tf.sequential({ name: 'generator' });
  config.hiddenG.forEach((units, i) => {
    generator.add(
      tf.layers.dense({
        units,
        ...(i === 0 ? { inputShape: [config.latentDim] } : {}),
        kernelInitializer: init(),
        biasInitializer: init(),
      }),
    );
    generator.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  });
  generator.add(dense(pixels, 'tanh'));
  generator.add(tf.layers.reshape({ targetShape: [h, w, c] }));

  const discriminator = tf.sequential({ name: 'discriminator' });
  discriminator.add(tf.layers.flatten({ inputShape: [h, w, c] }));
  for (const units of config.hiddenD) {
    discriminator.add(dense(units));
    discriminator.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  }
  discriminator.add(dense(1));
  return { generator, discriminator };
}
