/** The `--help` text of every configuration key. */
import { LOSS_NAMES, LOSSES } from '../gan/losses';
import type { TrainConfig } from './config';

/** One line per key for `--help` (the type makes sure every key has one). */
export const CONFIG_HELP: Record<keyof TrainConfig, string> = {
  preset: 'starting point (see Presets below)',
  model:
    'architecture: gaussian2d | mlp | dcgan28 | dcgan64 | rdcgan80 (R torch DCGAN, 80x80) | points-mlp (2-D, editable MLP)',
  dataset:
    'data: a bundled name, a points file (.json/.csv), an IDX file or a folder of images (see Datasets below)',
  labels: 'IDX label file (classes); found next to MNIST-named image files when omitted',
  limit: 'use only the first N examples',
  imageSize: 'resize images to N x N (folders default to 64)',
  channels: 'auto | grayscale | rgb',
  dataMemoryMb:
    'MiB of decoded images a folder may hold in memory; a larger one streams from its decoded cache on disk, batch by batch (0: always stream)',
  epochs: 'passes over the data',
  batchSize: 'examples per step',
  latentDim: 'size of the noise vector z',
  hiddenG: 'MLP generator hidden widths, comma-separated (mlp, points-mlp)',
  hiddenD: 'MLP discriminator hidden widths, comma-separated (mlp, points-mlp)',
  activation: 'points-mlp hidden activation: relu | tanh | leakyRelu (slope 0.2)',
  filtersG: "dcgan64: filters of the generator's last hidden conv (doubling per scale); rdcgan80: ngf",
  filtersD: "dcgan64: filters of the discriminator's first conv (doubling per scale); rdcgan80: ndf",
  upsample: 'dcgan64 generator: transpose (ConvTranspose) | resize-conv (upsample + conv, no checkerboard)',
  conditional: 'true: feed class labels to G and D (conditional GAN)',
  embedDim: 'label embedding size of conditional models',
  conditioning:
    "conditional D: concat (label joined to D's input) | projection (class embedding · D's features)",
  loss: `${LOSS_NAMES.join(' | ')} (${LOSS_NAMES.map((name) => `${name}: ${LOSSES[name].help}`).join('; ')})`,
  lossReduction: 'mean | sum: each loss averages its terms over the batch, or sums them (summed BCE)',
  discriminatorHead: 'sigmoid (one logit) | softmax2 (two-class softmax)',
  dSteps: 'discriminator/critic steps per generator step',
  criticBoost: 'WGAN schedule: 100 critic steps for the first 25 G steps and every 500th (true/false)',
  optimizer: 'adam | rmsprop',
  lrD: 'discriminator learning rate',
  lrG: 'generator learning rate',
  beta1: 'Adam beta1',
  beta2: 'Adam beta2',
  clipValue: 'WGAN weight clipping to [-c, c] (0: off)',
  gradientPenalty: 'WGAN-GP penalty weight (0: off)',
  labelSmoothing: 'one-sided label smoothing: real target 1 - s (0: off)',
  instanceNoise: 'std of noise on D inputs, annealed to 0 (0: off)',
  modeSeeking: 'mode-seeking weight λ: G pays λ / (image distance / z distance) over pairs (0: off)',
  augment:
    'DiffAugment before D, real and generated images, D and G steps: translation | cutout | color, comma-separated (none: off)',
  augmentP:
    'probability each example is augmented, or auto (ADA: p starts at 0 and steers r_t to --augment-target)',
  augmentTarget: 'auto p: target of r_t = E[sign(D(real))], the share of real images D is sure of, as ±1',
  augmentSpeed: 'auto p: how far p moves per 1,000 real images (0.005: 0 to 1 in 200k; the ADA paper: 0.002)',
  r1: 'R1 penalty γ: γ/2 · E‖∇D(x_real)‖² on D (0: off)',
  r1Every: 'lazy R1: apply it every k steps with weight γ·k',
  emaDecay:
    'EMA of G weights for samples/export, e.g. 0.999, warming up as min(decay, (1+t)/(10+t)) (0: off)',
  initStd: 'std of the N(0, s) init of MLP weights',
  seed: 'random seed (same seed + backend = same run)',
  backend: 'TF.js backend: auto | tensorflow | wasm | cpu (anything but auto trains on TF.js)',
  engine: 'auto | onnxruntime (the whole step as one native graph) | tfjs',
  threads: "onnxruntime's threads for the compiled step (0: every core)",
  spin: "compiled step's threads spin between operators instead of sleeping: faster on cores nothing else uses, much slower on shared ones (true/false)",
  provider:
    'compiled step on: cpu | webgpu (a GPU, via Vulkan/Metal/D3D12) | auto (webgpu if an adapter exists, else cpu) | cuda',
  out: 'run directory (default runs/<preset>-<time>)',
  checkpointEvery: 'also checkpoint every N steps (0: each epoch only)',
  epochFilesEvery:
    "samples, saved models and checkpoint every N epochs (default 1; the last epoch and any stop always): small sets' short epochs train faster",
  evalSamples: 'points for the 2-D mean/covariance report',
  evalEvery:
    'every N epochs: FD/KID/precision/recall (fmnist-classifier-v1) or 2-D metrics, 2k samples (0: off)',
  maxMinutes: 'time budget: stop after N minutes of training, saving samples and a checkpoint (0: none)',
};
