/**
 * Training configuration. Every default lives in DEFAULTS below; a preset overrides some, then a
 * JSON config file, then `--key=value` flags. Unknown keys and wrong types are refused.
 */
import { z } from 'zod';
import { isPointsDataset } from '../data/points2d';
import { AUGMENTATIONS } from '../gan/augment';
import { LOSS_NAMES, LOSSES } from '../gan/losses';
import { HIDDEN_ACTIVATIONS, POINTS_MLP_LIMITS } from '../models/points-mlp';
import { ConfigError } from './errors';
import { checkSizes } from './limits';

const PROBABILITY = { error: 'expects a probability in [0, 1] or "auto"' };

export const TrainConfigSchema = z
  .object({
    /** Name of the preset the config started from. */
    preset: z.string(),
    /**
     * Architecture family: the d2l 2-D generator, the playground's editable MLP for 2-D points
     * (hiddenG/hiddenD widths, activation, latentDim), an MLP image GAN, the reference DCGAN-28, or the
     * DCGAN for RGB images of any size 4·2^k or 5·2^k (64x64, 80x80, 32x32, 28x28...), or an R torch
     * DCGAN at 80x80 (explicit paddings, sigmoid image).
     */
    model: z.enum(['gaussian2d', 'points-mlp', 'mlp', 'dcgan28', 'dcgan64', 'rdcgan80']),
    /**
     * A bundled 2-D set ('gaussian2d', 'ring8', 'grid25', 'moons', 'line'), a points file (.json or
     * .csv of [x, y] rows), a bundled image dataset name, an IDX image file (.gz or raw), or a folder of
     * images. A relative points-file path resolves against the run folder when a run is resumed.
     */
    dataset: z.string().min(1),
    /** IDX label file for an IDX dataset (classes for conditional models); found next to the images when omitted. */
    labels: z.string().optional(),
    /** Use only the first N examples of the dataset. */
    limit: z.number().int().positive().optional(),
    /** Resize images to this square size (folders default to 64; IDX files keep their size). */
    imageSize: z.number().int().positive().optional(),
    /** Colour of image datasets: 'auto' keeps IDX grayscale and makes folders RGB. */
    channels: z.enum(['auto', 'grayscale', 'rgb']),
    /**
     * MiB of decoded images an image folder may hold in memory; a folder whose decoded pixels take more
     * is read from its decoded cache on disk a batch at a time (0: always from disk). The batches are
     * the same either way.
     */
    dataMemoryMb: z.number().nonnegative().optional(),
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    latentDim: z.number().int().positive(),
    /** Hidden layer widths of the MLP generator / discriminator (mlp and points-mlp). */
    hiddenG: z.array(z.number().int().positive()),
    hiddenD: z.array(z.number().int().positive()),
    /** points-mlp: the activation after each hidden layer of G and D (LeakyReLU with slope 0.2). */
    activation: z.enum(HIDDEN_ACTIVATIONS),
    /** dcgan64: channels of the last generator / first discriminator conv (doubling per scale). */
    filtersG: z.number().int().positive(),
    filtersD: z.number().int().positive(),
    /** dcgan64 generator upsampling: ConvTranspose, or nearest upsample + conv (no checkerboard artifacts). */
    upsample: z.enum(['transpose', 'resize-conv']),
    /** Feed class labels to G and D (an Embedding in each): a conditional GAN. */
    conditional: z.boolean(),
    /** Size of the label embedding of conditional models. */
    embedDim: z.number().int().positive(),
    /**
     * How a conditional discriminator sees the label: 'concat' (an embedding joined to its input) or
     * 'projection' (Miyato & Koyama 2018: the inner product of a class embedding with D's features is
     * added to its logit, which keeps D from judging class and realism apart).
     */
    conditioning: z.enum(['concat', 'projection']),
    /** GAN objective: D and G losses (each defined in gan/losses.ts). */
    loss: z.enum(LOSS_NAMES),
    /**
     * Whether the losses average their terms over the batch or sum them (as a summed BCE does); absent
     * (a run from before this key) means 'mean'.
     */
    lossReduction: z.enum(['mean', 'sum']).optional(),
    /** Discriminator output: one logit, or two-class softmax (fake, real). */
    discriminatorHead: z.enum(['sigmoid', 'softmax2']),
    /** Discriminator (critic) updates per generator update; each uses its own real batch. */
    dSteps: z.number().int().positive(),
    /**
     * The WGAN paper's critic schedule on top of dSteps: 100 critic steps before each of the first 25
     * generator updates and before every 500th (off: always dSteps).
     */
    criticBoost: z.boolean(),
    optimizer: z.enum(['adam', 'rmsprop']),
    lrD: z.number().positive(),
    lrG: z.number().positive(),
    beta1: z.number().min(0).max(1),
    beta2: z.number().min(0).max(1),
    /** WGAN weight clipping of every discriminator weight to [-c, c] after each update (0: off). */
    clipValue: z.number().nonnegative(),
    /** WGAN-GP gradient penalty weight λ (0: off). */
    gradientPenalty: z.number().nonnegative(),
    /** One-sided label smoothing: real targets become 1 - s (0: off). */
    labelSmoothing: z.number().min(0).lt(1),
    /** Std of Gaussian noise added to D's inputs, annealed linearly to 0 over the run (0: off). */
    instanceNoise: z.number().nonnegative(),
    /**
     * Weight λ of the mode-seeking term (Mao et al. 2019, MSGAN): the batch is drawn in pairs with the
     * same labels and different z, and G's loss adds λ / (mean|G(z1)−G(z2)| / mean|z1−z2| + 1e-5), so a
     * generator that ignores z pays for it (0: off; the logged loss_G includes it). Needs an even batch
     * size.
     */
    modeSeeking: z.number().nonnegative(),
    /** DiffAugment on every image D sees, real and generated (gan/augment.ts); [] is none. */
    augment: z.array(z.enum(AUGMENTATIONS)),
    /** Probability an example is augmented, or 'auto': adaptive (ADA, gan/ada.ts), starting at 0. */
    augmentP: z.union([z.number().min(0, PROBABILITY).max(1, PROBABILITY), z.literal('auto')], PROBABILITY),
    /** The overfitting signal r_t = E[sign(D(real))] adaptive augmentation steers towards. */
    augmentTarget: z.number().min(0).max(1),
    /** How far adaptive p may move per 1,000 real images (the ADA paper's 0.002 is 0 to 1 in 500k images). */
    augmentSpeed: z.number().positive(),
    /** R1 weight γ: γ/2 · E‖∇ₓD(x_real)‖² added to D's loss (0: off). */
    r1: z.number().nonnegative(),
    /** Lazy R1: applied every k-th step with weight γ·k. */
    r1Every: z.number().int().min(1),
    /** Decay of an exponential moving average of G's weights used for samples and export (0: off). */
    emaDecay: z.number().min(0).lt(1),
    /** Standard deviation of the N(0, s) initialisation of MLP weights and biases. */
    initStd: z.number().positive(),
    seed: z.number().int(),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
    /**
     * What runs a training step: 'onnxruntime' compiles the whole step (forward, losses, backward,
     * optimizer) into one native graph; 'tfjs' runs TF.js ops; 'auto' compiles where the model and
     * options allow it and uses TF.js otherwise (a --backend other than auto also means TF.js).
     */
    engine: z.enum(['auto', 'onnxruntime', 'tfjs']),
    /** onnxruntime's intra-op threads for the compiled step (0: every core). */
    threads: z.number().int().nonnegative(),
    /**
     * Whether those threads wait for the next operator spinning instead of asleep: faster where they
     * have cores to themselves, far slower where other work shares the cores (off by default).
     */
    spin: z.boolean(),
    /**
     * onnxruntime execution provider of the compiled step: 'webgpu' runs it on a GPU through a Vulkan
     * (Metal, D3D12) adapter, 'auto' on WebGPU where an adapter exists and on the CPU otherwise; 'cuda'
     * needs onnxruntime-node's CUDA build.
     */
    provider: z.enum(['cpu', 'webgpu', 'auto', 'cuda']),
    /** Run directory; default runs/<preset>-<timestamp> under the workspace. */
    out: z.string().optional(),
    /** Also checkpoint every N steps (0: only at the end of each epoch). */
    checkpointEvery: z.number().int().nonnegative(),
    /**
     * Write an epoch's samples, saved models and checkpoint every N epochs (and at the last epoch, a time
     * budget's end or Ctrl-C); absent: 1. On small sets, whose epochs are a few steps, these files cost a
     * large share of the time. Training itself does not change.
     */
    epochFilesEvery: z.number().int().positive().optional(),
    /** Points generated for the final mean/covariance report (2-D models). */
    evalSamples: z.number().int().positive(),
    /** Score the generator every N epochs and at the end (eval.* in metrics.jsonl and the model card; 0 or absent: off). */
    evalEvery: z.number().int().nonnegative().optional(),
    /** Stop after this many minutes of training (0 or absent: no limit); the run ends saved as after an epoch. */
    maxMinutes: z.number().nonnegative().optional(),
  })
  .strict();

export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type ConfigOverrides = Partial<TrainConfig>;

export const DEFAULTS: TrainConfig = {
  // The preset a run starts from when none is named (the main job); the values below are the base
  // every preset overrides.
  preset: 'fashion',
  model: 'mlp',
  dataset: 'fashion-mnist-test', // the 10k Fashion-MNIST test split bundled in packages/trainer/data
  channels: 'auto',
  dataMemoryMb: 2048,
  epochs: 20,
  batchSize: 64,
  latentDim: 100,
  hiddenG: [256, 512],
  hiddenD: [512, 256],
  activation: 'relu',
  filtersG: 64,
  filtersD: 64,
  upsample: 'transpose',
  conditional: false,
  embedDim: 50,
  conditioning: 'concat',
  loss: 'non-saturating',
  lossReduction: 'mean',
  discriminatorHead: 'sigmoid',
  dSteps: 1,
  criticBoost: false,
  optimizer: 'adam',
  lrD: 2e-4,
  lrG: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  clipValue: 0,
  gradientPenalty: 0,
  labelSmoothing: 0,
  instanceNoise: 0,
  modeSeeking: 0,
  augment: [],
  augmentP: 1,
  augmentTarget: 0.6,
  augmentSpeed: 0.005,
  r1: 0,
  r1Every: 1,
  emaDecay: 0,
  initStd: 0.02,
  seed: 1,
  backend: 'auto',
  engine: 'auto',
  threads: 0,
  spin: false,
  provider: 'cpu',
  checkpointEvery: 0,
  evalSamples: 10000,
  evalEvery: 0,
  maxMinutes: 0,
};

export const CONFIG_KEYS = Object.keys(TrainConfigSchema.shape) as (keyof TrainConfig)[];

/** Zod's issues as one line (also used by config-file.ts). */
export function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') {
        return `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')} in ${source}; valid keys: ${CONFIG_KEYS.join(', ')}`;
      }
      return `${i.path.join('.') || '(root)'} in ${source}: ${i.message}`;
    })
    .join('; ');
}

/** Turns `--key=value` strings into typed overrides, using the schema to know each key's type. */
export function parseFlagValues(flags: Record<string, string>): ConfigOverrides {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(flags)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      throw new ConfigError(`unknown option --${key}; valid keys: ${CONFIG_KEYS.join(', ')}`);
    }
    const field = TrainConfigSchema.shape[key as keyof TrainConfig];
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodNumber) {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n))
        throw new ConfigError(`--${key} expects a number, got "${text}"`);
      out[key] = n;
    } else if (inner instanceof z.ZodBoolean) {
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(text.toLowerCase()))
        throw new ConfigError(`--${key} expects true or false, got "${text}"`);
      out[key] = ['true', '1', 'yes'].includes(text.toLowerCase());
    } else if (inner instanceof z.ZodEnum) {
      const options = inner.options as readonly string[];
      if (!options.includes(text))
        throw new ConfigError(`--${key} must be one of ${options.join(', ')}; got "${text}"`);
      out[key] = text;
    } else if (inner instanceof z.ZodArray && inner.element instanceof z.ZodEnum) {
      const options = inner.element.options as readonly string[];
      const parts = text.split(',').map((s) => s.trim());
      const bad = parts.find((s) => s !== '' && s !== 'none' && !options.includes(s));
      if (bad !== undefined)
        throw new ConfigError(`--${key} takes ${options.join(', ')} (comma-separated) or none; got "${bad}"`);
      out[key] = parts.filter((s) => options.includes(s));
    } else if (inner instanceof z.ZodUnion) {
      const n = Number(text);
      out[key] = text.trim() !== '' && Number.isFinite(n) ? n : text;
    } else if (inner instanceof z.ZodArray) {
      const parts = text.split(',').map((s) => Number(s.trim()));
      if (parts.some((n) => !Number.isFinite(n))) {
        throw new ConfigError(`--${key} expects comma-separated numbers, got "${text}"`);
      }
      out[key] = parts;
    } else {
      out[key] = text;
    }
  }
  return out as ConfigOverrides;
}

/** Refuses settings that are each valid but do not go together, or sizes beyond what fits (limits.ts). */
export function checkCombination(c: TrainConfig): void {
  checkSizes(c);
  if (c.conditional && (c.model === 'gaussian2d' || c.model === 'points-mlp' || c.model === 'dcgan28')) {
    throw new ConfigError(
      `--conditional=true needs model mlp or dcgan64 (model ${c.model} has no label input): pass --model=mlp or --model=dcgan64`,
    );
  }
  if (c.discriminatorHead === 'softmax2' && !LOSSES[c.loss].judge.probability) {
    throw new ConfigError(
      `--discriminatorHead=softmax2 is a classifier head for the cross-entropy losses; with --loss=${c.loss} use --discriminatorHead=sigmoid`,
    );
  }
  if (c.conditional && c.conditioning === 'projection' && c.discriminatorHead === 'softmax2') {
    throw new ConfigError(
      '--conditioning=projection adds to a single logit; use --discriminatorHead=sigmoid or --conditioning=concat',
    );
  }
  if (c.modeSeeking > 0 && c.batchSize % 2 !== 0) {
    throw new ConfigError(
      `--modeSeeking pairs the examples of a batch: use an even --batchSize (got ${c.batchSize})`,
    );
  }
  const pointsModel = c.model === 'gaussian2d' || c.model === 'points-mlp';
  checkRegularisers(c, pointsModel);
  if (pointsModel && !isPointsDataset(c.dataset)) {
    throw new ConfigError(
      `the ${c.model} model trains on 2-D points: pass --dataset=gaussian2d, ring8, grid25, moons, line or a points file (.json or .csv of x, y rows); got "${c.dataset}"`,
    );
  }
  if (!pointsModel && isPointsDataset(c.dataset)) {
    throw new ConfigError(
      `the dataset "${c.dataset}" is 2-D points: train it with --model=gaussian2d or --model=points-mlp (e.g. --preset=gaussian2d)`,
    );
  }
  if (c.model === 'points-mlp') {
    const { layers, width, latentDim } = POINTS_MLP_LIMITS;
    for (const [key, widths] of [
      ['hiddenG', c.hiddenG],
      ['hiddenD', c.hiddenD],
    ] as const) {
      if (widths.length > layers || widths.some((w) => w > width)) {
        throw new ConfigError(
          `--${key} of the points-mlp model takes at most ${layers} hidden layers of 1 to ${width} units (got ${widths.join(',')})`,
        );
      }
    }
    if (c.latentDim > latentDim) {
      throw new ConfigError(
        `--latentDim of the points-mlp model is 1 to ${latentDim} (got ${c.latentDim}); 2-D data needs few`,
      );
    }
  }
}

/** Augmentation and R1 settings that do not fit the rest of the config. */
function checkRegularisers(c: TrainConfig, pointsModel: boolean): void {
  if (c.augment.length > 0 && pointsModel) {
    throw new ConfigError(`--augment works on images; the ${c.model} model trains on 2-D points`);
  }
  if (c.augment.length === 0 && c.augmentP !== 1) {
    throw new ConfigError(
      `--augmentP=${c.augmentP} sets how often --augment's augmentations apply: name them (e.g. --augment=translation,cutout,color)`,
    );
  }
  if (c.r1 > 0 && c.loss === 'wasserstein' && c.gradientPenalty === 0 && c.clipValue === 0) {
    throw new ConfigError(
      '--r1 holds the critic only at real data: with --loss=wasserstein add --gradientPenalty or --clipValue, or use --loss=non-saturating or hinge',
    );
  }
}
