/** Generator and discriminator builders for each `model` family. */
import type * as tfTypes from '@tensorflow/tfjs';
import { ConfigError, type TrainConfig } from './config';
import { buildDcgan28 } from './models/dcgan28';
import { buildPointsMlp } from './models/points-mlp';

export interface GanModels {
  generator: tfTypes.LayersModel;
  discriminator: tfTypes.LayersModel;
}

type Sym = tfTypes.SymbolicTensor;

/** What the models need to know about the data. */
export interface ModelDataSpec {
  /** Shape of one example: [2] for points, [H, W, C] for images. */
  shape: number[];
  /** Classes of a conditional model (its label input takes 0..numClasses-1). */
  numClasses?: number;
}

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

export function buildModels(tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec): GanModels {
  const dataShape = data.shape;
  const dOut = config.discriminatorHead === 'softmax2' ? 2 : 1;
  // Every initialiser gets its own seed derived from the run seed, so runs are repeatable.
  let layerSeed = config.seed * 1000;
  const init = (mean = 0, std = config.initStd) =>
    tf.initializers.randomNormal({ mean, stddev: std, seed: layerSeed++ });
  const apply = (layer: tfTypes.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

  if (config.model === 'dcgan28') {
    if (dOut !== 1)
      throw new ConfigError(
        'the dcgan28 model has a one-logit discriminator: use --discriminatorHead=sigmoid',
      );
    return buildDcgan28(tf, {
      latentDim: config.latentDim,
      imageShape: dataShape as [number, number, number],
      seed: config.seed,
    });
  }

  if (config.model === 'points-mlp') {
    // The playground's editable MLP, built as the page builds it (same seeds, Glorot init).
    return buildPointsMlp(tf, {
      latentDim: config.latentDim,
      hiddenG: config.hiddenG,
      hiddenD: config.hiddenD,
      activation: config.activation,
      seed: config.seed,
      dOutputs: dOut,
      dims: dataShape[0] ?? 2,
    });
  }

  if (config.model === 'gaussian2d') {
    const dims = dataShape[0] ?? 2;
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
    discriminator.add(dense(dOut));
    return { generator, discriminator };
  }

  const [h, w, c] = dataShape as [number, number, number];
  const classes = config.conditional ? data.numClasses : undefined;
  if (config.conditional && !classes) {
    throw new ConfigError(
      'a conditional model needs class labels: pass --labels=<IDX label file> or a folder with class subfolders',
    );
  }
  // Conditional models take the class as a second int input [N, 1], embedded (exported as `label`).
  const zIn = tf.input({ shape: [config.latentDim], name: 'z' });
  const gLabel = classes ? tf.input({ shape: [1], dtype: 'int32', name: 'label' }) : undefined;
  const xIn = tf.input({ shape: [h, w, c], name: 'image' });
  const dLabel = classes ? tf.input({ shape: [1], dtype: 'int32', name: 'label_d' }) : undefined;
  // N(0, 1) by default, as in PyTorch: Keras' ±0.05 leaves the label too faint next to z and the pixels.
  const embed = (label: Sym, units: number, stddev = 1) =>
    apply(
      tf.layers.flatten(),
      apply(
        tf.layers.embedding({
          inputDim: classes!,
          outputDim: units,
          embeddingsInitializer: tf.initializers.randomNormal({ mean: 0, stddev, seed: layerSeed++ }),
        }),
        label,
      ),
    );
  const projection = config.conditioning === 'projection';
  /**
   * D's logit from its last features: a dense head, plus for a projection discriminator the inner
   * product of the label's embedding with the features.
   */
  const dHead = (
    features: Sym,
    kernelInitializer: ReturnType<typeof init>,
    biasInitializer: ReturnType<typeof init> | 'zeros',
  ) => {
    const head = apply(tf.layers.dense({ units: dOut, kernelInitializer, biasInitializer }), features);
    if (!dLabel || !projection) return head;
    const width = features.shape[features.shape.length - 1]!;
    // Small, like the head's weights: the inner product sums over every feature.
    const classEmbedding = embed(dLabel, width, 0.02);
    const projected = apply(tf.layers.dot({ axes: 1 }), [features, classEmbedding]);
    return apply(tf.layers.add(), [head, projected]);
  };
  const gHead = gLabel ? apply(tf.layers.concatenate(), [zIn, embed(gLabel, config.embedDim)]) : zIn;

  let gOut: Sym;
  let dOutput: Sym;
  if (config.model === 'mlp') {
    // MLP GAN: LeakyReLU(0.2) hidden layers, tanh output reshaped to the image.
    let g = gHead;
    for (const units of config.hiddenG) {
      g = apply(tf.layers.dense({ units, kernelInitializer: init(), biasInitializer: init() }), g);
      g = apply(tf.layers.leakyReLU({ alpha: 0.2 }), g);
    }
    g = apply(
      tf.layers.dense({
        units: h * w * c,
        activation: 'tanh',
        kernelInitializer: init(),
        biasInitializer: init(),
      }),
      g,
    );
    gOut = apply(tf.layers.reshape({ targetShape: [h, w, c] }), g);

    let d = apply(tf.layers.flatten(), xIn);
    if (dLabel && !projection) d = apply(tf.layers.concatenate(), [d, embed(dLabel, config.embedDim)]);
    for (const units of config.hiddenD) {
      d = apply(tf.layers.dense({ units, kernelInitializer: init(), biasInitializer: init() }), d);
      d = apply(tf.layers.leakyReLU({ alpha: 0.2 }), d);
    }
    dOutput = dHead(d, init(), init());
  } else {
    // DCGAN (Radford et al.): conv weights N(0, 0.02), BatchNorm γ N(1, 0.02), β 0.
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
      gHead,
    );
    g = apply(tf.layers.reshape({ targetShape: [base, base, fg * 2 ** (steps - 1)] }), g);
    g = apply(tf.layers.reLU(), apply(bn(), g));
    for (let i = steps - 1; i >= 0; i--) {
      const last = i === 0;
      const filters = last ? c : fg * 2 ** (i - 1);
      const common = {
        filters,
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
    gOut = g;

    let d: Sym = xIn;
    if (dLabel && !projection) {
      // The label becomes one extra input plane.
      const plane = apply(tf.layers.reshape({ targetShape: [h, w, 1] }), embed(dLabel, h * w));
      d = apply(tf.layers.concatenate(), [d, plane]);
    }
    // No BatchNorm in a critic trained with a gradient penalty (the penalty is per example).
    const useBn = config.gradientPenalty === 0;
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
    dOutput = dHead(d, convInit(), 'zeros');
  }
  const generator = tf.model({ inputs: gLabel ? [zIn, gLabel] : zIn, outputs: gOut, name: 'generator' });
  const discriminator = tf.model({
    inputs: dLabel ? [xIn, dLabel] : xIn,
    outputs: dOutput,
    name: 'discriminator',
  });
  return { generator, discriminator };
}
