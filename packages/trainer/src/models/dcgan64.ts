/**
 * The DCGAN (Radford et al. 2016) for square images of any size 4·2^k or 5·2^k (64x64, 80x80,
 * 32x32...): G grows a base x base map by stride-2 transposed convolutions (or nearest upsampling and
 * a 3x3 conv, --upsample=resize-conv), halving the filters per scale down to --filtersG, with
 * BatchNorm and ReLU, to a tanh image; D mirrors it with stride-2 convolutions from --filtersD up and
 * LeakyReLU(0.2). Conv weights N(0, 0.02), BatchNorm γ N(1, 0.02), β 0.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';
import { ConfigError } from '../config/errors';
import { criticBatchNorm, seededNormal } from './common';
import { imageGan } from './image-gan';
import type { GanModels, ModelDataSpec } from './types';

type Sym = tfTypes.SymbolicTensor;

/**
 * Scales of a DCGAN at `size`: the generator starts at `base`x`base` and doubles `steps` times.
 * 64 = 4·2^4, 80 = 5·2^4, 28 = 7·2^2; the start is kept between 4 and 7 pixels.
 */
export function dcganScales(size: number): { base: number; steps: number } {
  let steps = 0;
  while (steps < 4 && size % 2 ** (steps + 1) === 0 && size / 2 ** (steps + 1) >= 4) steps++;
  if (steps === 0) {
    throw new ConfigError(
      `the dcgan64 model needs an image size divisible by 2 with at least 8 pixels (e.g. 32, 64, 80), got ${size}: pass --imageSize`,
    );
  }
  return { base: size / 2 ** steps, steps };
}

export function buildDcgan64(tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec): GanModels {
  const init = seededNormal(tf, config);
  const io = imageGan(tf, config, data, init);
  const { h, w, c, apply } = io;
  if (h !== w)
    throw new ConfigError(`the dcgan64 model needs square images, got ${h}x${w}: pass --imageSize`);
  const { base, steps } = dcganScales(h);
  const convInit = () => init(0, 0.02);
  const bn = () =>
    tf.layers.batchNormalization({
      momentum: 0.9,
      epsilon: 1e-5,
      gammaInitializer: init(1, 0.02),
      betaInitializer: 'zeros',
    });

  const fg = config.filtersG;
  let g = apply(
    tf.layers.dense({
      units: base * base * fg * 2 ** (steps - 1),
      useBias: false,
      kernelInitializer: convInit(),
    }),
    io.gInput,
  );
  g = apply(tf.layers.reshape({ targetShape: [base, base, fg * 2 ** (steps - 1)] }), g);
  g = apply(tf.layers.reLU(), apply(bn(), g));
  for (let i = steps - 1; i >= 0; i--) {
    const last = i === 0;
    const common = {
      filters: last ? c : fg * 2 ** (i - 1),
      padding: 'same' as const,
      useBias: last,
      kernelInitializer: convInit(),
      ...(last ? { activation: 'tanh' as const, biasInitializer: 'zeros' as const } : {}),
    };
    if (config.upsample === 'resize-conv') {
      g = apply(tf.layers.upSampling2d({ size: [2, 2] }), g);
      g = apply(tf.layers.conv2d({ ...common, kernelSize: 3 }), g);
    } else {
      g = apply(tf.layers.conv2dTranspose({ ...common, kernelSize: 4, strides: 2 }), g);
    }
    if (!last) g = apply(tf.layers.reLU(), apply(bn(), g));
  }

  let d: Sym = io.image;
  if (io.concatLabel) {
    // The label becomes one extra input plane.
    const plane = apply(tf.layers.reshape({ targetShape: [h, w, 1] }), io.embed(io.concatLabel, h * w));
    d = apply(tf.layers.concatenate(), [d, plane]);
  }
  // No BatchNorm with a per-example penalty or on images augmented at a fixed p (common.ts).
  const useBn = criticBatchNorm(config);
  for (let i = 0; i < steps; i++) {
    d = apply(
      tf.layers.conv2d({
        filters: config.filtersD * 2 ** i,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: i === 0 || !useBn,
        kernelInitializer: convInit(),
        biasInitializer: 'zeros',
      }),
      d,
    );
    if (i > 0 && useBn) d = apply(bn(), d);
    d = apply(tf.layers.leakyReLU({ alpha: 0.2 }), d);
  }
  d = apply(tf.layers.flatten(), d);
  return io.models(g, io.dHead(d, convInit(), 'zeros'));
}
