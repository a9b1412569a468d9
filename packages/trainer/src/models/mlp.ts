/**
 * The MLP image GAN: G maps z through LeakyReLU(0.2) hidden layers (--hiddenG) to a tanh image; D
 * flattens the image through LeakyReLU(0.2) hidden layers (--hiddenD) to its output. Weights and
 * biases N(0, initStd).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';
import { seededNormal } from './common';
import { imageGan } from './image-gan';
import type { GanModels, ModelDataSpec } from './types';

export function buildMlp(tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec): GanModels {
  const init = seededNormal(tf, config);
  const io = imageGan(tf, config, data, init);
  const { h, w, c, apply } = io;
  const dense = (units: number, activation?: 'tanh') =>
    tf.layers.dense({ units, activation, kernelInitializer: init(), biasInitializer: init() });

  let g = io.gInput;
  for (const units of config.hiddenG) {
    g = apply(dense(units), g);
    g = apply(tf.layers.leakyReLU({ alpha: 0.2 }), g);
  }
  g = apply(dense(h * w * c, 'tanh'), g);
  const gOut = apply(tf.layers.reshape({ targetShape: [h, w, c] }), g);

  let d = apply(tf.layers.flatten(), io.image);
  if (io.concatLabel) d = apply(tf.layers.concatenate(), [d, io.embed(io.concatLabel, config.embedDim)]);
  for (const units of config.hiddenD) {
    d = apply(dense(units), d);
    d = apply(tf.layers.leakyReLU({ alpha: 0.2 }), d);
  }
  return io.models(gOut, io.dHead(d, init(), init()));
}
