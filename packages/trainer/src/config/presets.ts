/** Named starting points for a run; each only lists what differs from DEFAULTS in config.ts. */
import type { TrainConfig } from './config';

export interface Preset {
  description: string;
  config: Partial<TrainConfig>;
}

/** The 64-px RGB DCGAN as the dcgan64 preset trains it; the emoji preset is the same on its own set. */
const DCGAN64: Partial<TrainConfig> = {
  model: 'dcgan64',
  imageSize: 64,
  channels: 'rgb',
  epochs: 25,
  batchSize: 64,
  latentDim: 100,
  filtersG: 64,
  filtersD: 64,
};

export const PRESETS: Record<string, Preset> = {
  fashion: {
    description:
      'the main job (default): the dcgan28 network on the bundled Fashion-MNIST test split for 22 epochs (3,432 steps) with an EMA of G, then scored (FD, KID, precision/recall, classes) by the bundled evaluator; it ends by steps, so it ends the same on any machine',
    // Ends by steps, not minutes: the same run (and demo) on a busy or a quiet machine. Measured on 2,000
    // samples with the EMA generator after 22 epochs: FD 29.8 (seed 1), 34.8 (seed 2); about 11 s an
    // epoch on an idle 2-core machine.
    config: {
      model: 'dcgan28',
      dataset: 'fashion-mnist-test',
      epochs: 22,
      emaDecay: 0.999,
      evalEvery: 22,
      batchSize: 64,
      latentDim: 100,
      lrD: 2e-4,
      lrG: 2e-4,
      beta1: 0.5,
      beta2: 0.999,
    },
  },
  gaussian2d: {
    description:
      'the d2l.ai GAN chapter: fit 1000 points X·A + b with a one-layer generator (lr_D 0.05, lr_G 0.005, batch 8, 20 epochs)',
    config: {
      model: 'gaussian2d',
      dataset: 'gaussian2d',
      epochs: 20,
      batchSize: 8,
      latentDim: 2,
      lrD: 0.05,
      lrG: 0.005,
      beta1: 0.9,
      beta2: 0.999,
      initStd: 0.02,
    },
  },
  points: {
    description:
      "the playground's 2-D default: the points-mlp model (64-64 ReLU, z of 2) on the ring of 8 Gaussians (--dataset=grid25, moons, line, gaussian2d or a points file), non-saturating loss, Adam 1e-3/0.5, batch 128, 200 epochs of 7 steps",
    config: {
      model: 'points-mlp',
      dataset: 'ring8',
      epochs: 200,
      batchSize: 128,
      latentDim: 2,
      hiddenG: [64, 64],
      hiddenD: [64, 64],
      activation: 'relu',
      lrD: 1e-3,
      lrG: 1e-3,
      beta1: 0.5,
      beta2: 0.999,
    },
  },
  mlp: {
    description:
      'MLP GAN on 28x28 grayscale images (LeakyReLU 0.2, tanh output, Adam 2e-4/0.5, non-saturating loss); default data: the bundled Fashion-MNIST test split',
    config: { model: 'mlp', epochs: 10 },
  },
  tiny: {
    description: 'a seconds-long MLP run on 512 images, for trying the pipeline and for tests',
    config: { model: 'mlp', limit: 512, epochs: 2, hiddenG: [64], hiddenD: [64], latentDim: 16 },
  },
  dcgan28: {
    description:
      'DCGAN on 28x28 images (the bench/reference network: ConvTranspose generator, strided-conv discriminator, BatchNorm, Adam 2e-4/0.5)',
    config: {
      model: 'dcgan28',
      dataset: 'fashion-mnist-test',
      epochs: 10,
      batchSize: 64,
      latentDim: 100,
      lrD: 2e-4,
      lrG: 2e-4,
      beta1: 0.5,
      beta2: 0.999,
    },
  },
  dcgan64: {
    description:
      'DCGAN for RGB images (default 64x64; any 4·2^k or 5·2^k size, e.g. --imageSize=80): strided convs, ConvTranspose (or --upsample=resize-conv), BatchNorm, ReLU/tanh G, LeakyReLU D, N(0,0.02) init; pass --dataset=<folder of images>',
    config: DCGAN64,
  },
  emoji: {
    description:
      'DCGAN-64 at half width (32 filters) with an EMA of G on the emoji set: Noto Emoji, 1,906 RGB images at 64x64 in 9 categories (needs emoji-datasource-google: npm install emoji-datasource-google@16.0.0; --dataset=emoji-all adds the skin-tone variants), 100 epochs (2,900 steps), scored every 20 epochs by emoji-classifier-v1, samples and a checkpoint every 5; --conditional=true: one row per category',
    // Half width trains about 2.7x as many steps a minute as the full DCGAN-64 on 2 cores; measured
    // there, seed 1: the first yellow faces with hair, and flags, after 79 epochs (10 minutes); faces,
    // people and flags a person can name after 100 (the EMA generator's grid).
    config: {
      ...DCGAN64,
      dataset: 'emoji',
      filtersG: 32,
      filtersD: 32,
      emaDecay: 0.999,
      epochs: 100,
      evalEvery: 20,
      // Samples, saved models and a checkpoint every 5 epochs (145 steps, under a minute on 2 cores):
      // an epoch is only 29 steps, and an epoch end that writes them first recalibrates the EMA
      // generator's BatchNorm. Ten minutes on 2 cores, seed 1: 2,271 steps this way (1,590 writing
      // every epoch, before the tap-GEMM convolutions).
      epochFilesEvery: 5,
    },
  },
  rdcgan80: {
    description:
      "an R torch DCGAN, layer for layer, on the emoji set resized to 80x80 (standing in for its flower photos): G ConvTranspose 4/1/0, 5/2/1, 5/3/1, 6/3/2 from a 1x1 z of 100 (ngf 80: 320-160-80-3, BatchNorm + ReLU, sigmoid image), D conv 40-80-80-80 (k4 s2 p1, LeakyReLU 0.2, BatchNorm after the first) and Linear 2000 → 1, summed BCE; Adam 2e-4/0.5 and batch 64 are DCGAN's (the original's own values are not known here)",
    config: {
      model: 'rdcgan80',
      dataset: 'emoji',
      imageSize: 80,
      channels: 'rgb',
      epochs: 25,
      batchSize: 64,
      latentDim: 100,
      filtersG: 80,
      filtersD: 40,
      loss: 'non-saturating',
      lossReduction: 'sum',
      lrD: 2e-4,
      lrG: 2e-4,
      beta1: 0.5,
      beta2: 0.999,
    },
  },
  cgan: {
    description:
      'conditional DCGAN: class labels embedded into G (next to z) and D (an extra input plane), with a mode-seeking term so samples vary within a class; one row per class; default data: the bundled Fashion-MNIST test split with its labels (--model=mlp: the MLP version; --conditioning=projection: a projection discriminator; --modeSeeking=0: the plain cGAN)',
    // 2 epochs on the 60k training images: without the mode-seeking term, one near-identical image per
    // class (recall 0.000, projection D); with it, recall 0.59 (0.26 with the projection D).
    config: { model: 'dcgan64', conditional: true, modeSeeking: 1, epochs: 20, embedDim: 50 },
  },
  wgan: {
    description:
      'WGAN with weight clipping: DCGAN critic without sigmoid, Wasserstein loss, RMSprop 5e-5, clip 0.01, 5 critic steps per generator step (--model=mlp: the MLP version, which needs far more steps)',
    config: {
      model: 'dcgan64',
      loss: 'wasserstein',
      optimizer: 'rmsprop',
      lrD: 5e-5,
      lrG: 5e-5,
      clipValue: 0.01,
      dSteps: 5,
      epochs: 20,
    },
  },
  'wgan-gp': {
    description:
      'WGAN-GP: Wasserstein loss with gradient penalty 10, Adam(1e-4, 0.5, 0.9), 5 critic steps per generator step (MLP)',
    config: {
      model: 'mlp',
      loss: 'wasserstein',
      gradientPenalty: 10,
      optimizer: 'adam',
      lrD: 1e-4,
      lrG: 1e-4,
      beta1: 0.5,
      beta2: 0.9,
      dSteps: 5,
      epochs: 20,
    },
  },
};
