/**
 * The extras a GAN step can add to plain D and G updates, as TF.js ops: WGAN-GP's gradient
 * penalty, R1, WGAN's weight clipping, instance noise on D's inputs, the EMA of G's weights. (The mode-
 * seeking term lives with the losses, the augmentations in augment.ts.) The compiled engine implements
 * them in its graph (engine/onnx/step.ts, penalty.ts) with the same arithmetic.
 */
import type * as tfTypes from '@tensorflow/tfjs';

type T = tfTypes.Tensor;

/** λ·mean((‖∇D(x̂)‖ − 1)²) at random points x̂ between the real and the generated batch. */
export function gradientPenalty(
  tf: typeof tfTypes,
  lambda: number,
  real: T,
  fake: T,
  seed: number,
  score: (x: T) => T,
): T {
  const B = real.shape[0]!;
  const alpha = tf.randomUniform([B, ...real.shape.slice(1).map(() => 1)], 0, 1, 'float32', seed);
  const xHat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
  const g = tf.grad((xh: T) => tf.sum(score(xh)))(xHat);
  const axes = real.shape.slice(1).map((_, i) => i + 1);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(g), axes), 1e-12));
  return tf.mul(lambda, tf.mean(tf.square(tf.sub(norm, 1))));
}

/**
 * R1 (Mescheder et al. 2018): weight/2 · mean ‖∇ₓ score(x)‖² at the real batch, `score` being D's
 * per-example output as the step reads it (through the augmentation, when there is one: the gradient
 * is the clean image's, as StyleGAN2-ADA takes it). Lazy R1 passes γ·k as the weight every k-th step.
 */
export function r1Penalty(tf: typeof tfTypes, weight: number, real: T, score: (x: T) => T): T {
  const g = tf.grad((x: T) => tf.sum(score(x)))(real);
  const axes = real.shape.slice(1).map((_, i) => i + 1);
  return tf.mul(weight / 2, tf.mean(tf.sum(tf.square(g), axes)));
}

/** WGAN's clipping of every weight to [-c, c]. */
export function clipWeights(tf: typeof tfTypes, vars: tfTypes.Variable[], c: number): void {
  for (const v of vars) v.assign(tf.clipByValue(v, -c, c));
}

/** Gaussian noise of std `std` added to `t` (the identity at std 0); seeds as the compiled step's. */
export function withNoise(tf: typeof tfTypes, t: T, std: number, seed: number): T {
  return std > 0 ? tf.add(t, tf.randomNormal(t.shape, 0, std, 'float32', seed)) : t;
}

/**
 * The EMA's decay at G's update number `t` (0-based): min(decay, (1 + t)/(10 + t)). Early on the
 * average follows G closely, so the random initial weights do not linger in it (at 0.999 a plain
 * EMA still holds 15 % of them after 1,900 steps); later it averages over roughly the last t/9 steps.
 */
export function emaDecayAt(decay: number, t: number): number {
  return Math.min(decay, (1 + t) / (10 + t));
}

/** ema ← decay·ema + (1 − decay)·w for trainable weights; BatchNorm statistics are copied. */
export function updateEma(
  tf: typeof tfTypes,
  generator: tfTypes.LayersModel,
  ema: tfTypes.LayersModel,
  decay: number,
): void {
  generator.weights.forEach((w, i) => {
    const e = ema.weights[i]!;
    e.write(w.trainable ? tf.add(tf.mul(e.read(), decay), tf.mul(w.read(), 1 - decay)) : w.read().clone());
  });
}

/**
 * Sets the BatchNorm moving statistics of `generator` to the average batch statistics it makes
 * itself on `batches` latent batches (a training-mode forward pass with a cumulative average).
 * An EMA generator needs this: its averaged weights do not match the statistics copied from G,
 * and samples drawn with the copied ones come out worse than the raw G's. Deterministic per seed.
 */
export function recalibrateBatchNorm(
  tf: typeof tfTypes,
  generator: tfTypes.LayersModel,
  opts: { latentDim: number; batchSize: number; batches: number; seed: number; numClasses?: number },
): void {
  // TF.js moves the statistics by m − (m − batch)·(1 − momentum) per training-mode call; momentum
  // (k−1)/k at the k-th batch makes that the mean of the k batches seen.
  const layers = generator.layers.filter((l) => l.getClassName() === 'BatchNormalization') as unknown as {
    momentum: number;
  }[];
  if (layers.length === 0) return;
  const saved = layers.map((l) => l.momentum);
  try {
    for (let k = 1; k <= opts.batches; k++) {
      for (const l of layers) l.momentum = (k - 1) / k;
      tf.tidy(() => {
        const seed = opts.seed + k;
        const z = tf.randomNormal([opts.batchSize, opts.latentDim], 0, 1, 'float32', seed);
        const inputs = opts.numClasses
          ? [z, tf.randomUniform([opts.batchSize, 1], 0, opts.numClasses, 'int32', seed)]
          : z;
        generator.apply(inputs, { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = saved[i]!));
  }
}
