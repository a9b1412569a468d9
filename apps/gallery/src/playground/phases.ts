/**
 * The parts of a training step the playground shows on their own, as TF.js ops in the worker: G's
 * update alone (the second half of the trainer's step: the same latents, D as its first half left it),
 * uniform noise as a fixed map in front of G, and the per-sample gradients that say where G's next
 * update moves each generated point. Everything here follows the trainer's TF.js step
 * (`TfjsEngine`): latents N(0, I) from the step's seed, the models in training mode, no instance noise.
 */
import { objective, tf, type TrainConfig } from '@ganforge/trainer/browser';

type T = tf.Tensor;

/** The noise G reads: N(0, I), or uniform on [−1, 1] in each coordinate. */
export type NoiseKind = 'gaussian' | 'uniform';

/** N(0, 1) values mapped through u = erf(n / √2): exactly uniform on [−1, 1]. */
export const toUniform = (n: T): T => tf.erf(tf.mul(n, Math.SQRT1_2));

/** A layer without weights that maps N(0, 1) values to uniform ones on [−1, 1]. */
class GaussianToUniform extends tf.layers.Layer {
  static className = 'GaussianToUniform';
  override call(inputs: T | T[]): T {
    return tf.tidy(() => toUniform(Array.isArray(inputs) ? inputs[0]! : inputs));
  }
  override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return shape;
  }
}

/**
 * G as the trainer's step should run it for `noise`: G itself for Gaussian noise; for uniform noise a
 * model that maps the step's N(0, I) latents to uniform ones and then runs G (its weights are G's own,
 * so the trainer's engine updates G, and G alone is what is exported).
 */
export function noisyGenerator(
  generator: tf.LayersModel,
  latentDim: number,
  noise: NoiseKind,
): tf.LayersModel {
  if (noise === 'gaussian') return generator;
  const input = tf.input({ shape: [latentDim] });
  const uniform = new GaussianToUniform().apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: generator.apply(uniform) as tf.SymbolicTensor });
}

/**
 * G's update of a step with seed `seed`, as the second half of the trainer's step: G's loss on D's output
 * for the step's latents, D as it is now (after the step's D update), one update by `optG`. `generator`
 * is what the engine runs as G (see noisyGenerator), so the latents match. Returns G's loss.
 */
export function generatorUpdate(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  optG: tf.Optimizer,
  config: TrainConfig,
  seed: number,
): number {
  const obj = objective(tf, config);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.tidy(() => {
    const z = tf.randomNormal([config.batchSize, config.latentDim], 0, 1, 'float32', seed);
    const { value, grads } = tf.variableGrads(() => {
      const fake = generator.apply(z, { training: true }) as T;
      return obj.g(discriminator.apply(fake, { training: true }) as T);
    }, gVars);
    // The engine's order: G's variables as listed (the optimizer's slots follow the list).
    optG.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    return value.dataSync()[0]!;
  });
}

/**
 * −∂L_G/∂x for each generated point x (N x 2 values): the direction that lowers G's loss at that point,
 * which is where G's update, through its weights, moves the points (D held as it is). L_G is G's loss
 * of the point alone (the batch mean's gradient times N).
 */
export function pointGradients(
  discriminator: tf.LayersModel,
  config: TrainConfig,
  fake: Float32Array,
): Float32Array {
  const obj = objective(tf, config);
  const n = fake.length / 2;
  return tf.tidy(() => {
    const x = tf.tensor2d(fake, [n, 2]);
    const g = tf.grad((p: T) => tf.mul(obj.g(discriminator.apply(p, { training: true }) as T), n))(x);
    return tf.neg(g).dataSync() as Float32Array;
  });
}
