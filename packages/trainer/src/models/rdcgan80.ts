/**
 * A DCGAN written in R torch for 80x80 colour images (the rdcgan80 preset), layer for layer, with
 * PyTorch's explicit paddings: a transposed convolution with padding p is a 'valid' one cropped by p
 * on each side; D's k4 s2 p1 convolutions are TF's 'same', which pads exactly 1 on each side at these
 * even sizes. Widths: G ngf·4 → ngf·2 → ngf → C (--filtersG, ngf 80), D ndf → 2·ndf ×3 (--filtersD,
 * ndf 40: 40-80-80-80). The network works in [0, 1] as the original does (a sigmoid image; D reads
 * pixels in [0, 1]); Rescaling layers at its two ends keep the trainer's [-1, 1] pixels outside, so the
 * functions computed are the original's exactly. Its twin: bench/reference/models.py rdcgan80_*.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';
import { ConfigError } from '../config/errors';
import { criticBatchNorm, discriminatorOutputs, seededNormal } from './common';
import type { GanModels, ModelDataSpec } from './types';

/** The only image size the layer geometry makes: 1 → 4 → 9 → 27 → 80, and 80 → 40 → 20 → 10 → 5. */
export const RDCGAN_SIZE = 80;

/** G's transposed convolutions: filters (in ngf), kernel, stride, PyTorch padding. */
const G_LAYERS = [
  { width: 4, k: 4, s: 1, p: 0 },
  { width: 2, k: 5, s: 2, p: 1 },
  { width: 1, k: 5, s: 3, p: 1 },
  { width: 0, k: 6, s: 3, p: 2 },
] as const;

export function buildRdcgan80(tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec): GanModels {
  const [h, w, c] = data.shape as [number, number, number];
  if (h !== RDCGAN_SIZE || w !== RDCGAN_SIZE) {
    throw new ConfigError(
      `the rdcgan80 model makes 80x80 images, the dataset has ${h}x${w}: pass --imageSize=80`,
    );
  }
  if (config.conditional || discriminatorOutputs(config) !== 1) {
    throw new ConfigError('the rdcgan80 model is unconditional with a one-logit discriminator');
  }
  const init = seededNormal(tf, config);
  const bn = () =>
    tf.layers.batchNormalization({
      momentum: 0.9,
      epsilon: 1e-5,
      gammaInitializer: init(1, 0.02),
      betaInitializer: 'zeros',
    });

  const generator = tf.sequential({ name: 'generator' });
  generator.add(tf.layers.reshape({ inputShape: [config.latentDim], targetShape: [1, 1, config.latentDim] }));
  for (const { width, k, s, p } of G_LAYERS) {
    const last = width === 0;
    generator.add(
      tf.layers.conv2dTranspose({
        filters: last ? c : config.filtersG * width,
        kernelSize: k,
        strides: s,
        padding: 'valid',
        useBias: last,
        kernelInitializer: init(0, 0.02),
        ...(last ? { activation: 'sigmoid' as const, biasInitializer: 'zeros' as const } : {}),
      }),
    );
    if (p > 0)
      generator.add(
        tf.layers.cropping2D({
          cropping: [
            [p, p],
            [p, p],
          ],
        }),
      );
    if (!last) {
      generator.add(bn());
      generator.add(tf.layers.reLU());
    }
  }
  // The sigmoid's [0, 1] as the trainer's [-1, 1].
  generator.add(tf.layers.rescaling({ scale: 2, offset: -1 }));

  const discriminator = tf.sequential({ name: 'discriminator' });
  // [-1, 1] pixels as the [0, 1] ones the original reads (its zero padding is black, as there).
  discriminator.add(tf.layers.rescaling({ inputShape: [h, w, c], scale: 0.5, offset: 0.5 }));
  // No BatchNorm with a per-example penalty or on images augmented at a fixed p (common.ts).
  const useBn = criticBatchNorm(config);
  [1, 2, 2, 2].forEach((width, i) => {
    discriminator.add(
      tf.layers.conv2d({
        filters: config.filtersD * width,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: i === 0 || !useBn,
        kernelInitializer: init(0, 0.02),
        biasInitializer: 'zeros',
      }),
    );
    if (i > 0 && useBn) discriminator.add(bn());
    discriminator.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  });
  discriminator.add(tf.layers.flatten());
  // A logit: the loss applies the sigmoid (BCE of sigmoid(l) is the cross-entropy on l).
  discriminator.add(
    tf.layers.dense({ units: 1, kernelInitializer: init(0, 0.02), biasInitializer: 'zeros' }),
  );
  return { generator, discriminator };
}
