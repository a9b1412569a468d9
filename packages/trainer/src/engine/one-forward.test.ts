import { describe, expect, it } from 'vitest';
import { tf } from '../kernels/backend';

/**
 * The training step runs G's forward pass once: D's update happens inside G's gradient scope on the
 * same fake batch. This checks the TF.js semantics that relies on: G's gradients equal those of a
 * second, separate forward pass through the updated D, and D's update is the same as a detached one.
 */
describe('one generator forward pass per step', () => {
  it('gives the same D update and the same G gradients as two separate passes', () => {
    const make = (seed: number) => {
      const g = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [3],
            units: 5,
            activation: 'relu',
            kernelInitializer: tf.initializers.randomNormal({ seed }),
          }),
          tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) }),
        ],
      });
      const d = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [2],
            units: 4,
            activation: 'tanh',
            kernelInitializer: tf.initializers.randomNormal({ seed: seed + 2 }),
          }),
          tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ seed: seed + 3 }) }),
        ],
      });
      return { g, d, opt: tf.train.sgd(0.5) };
    };
    const z = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
    const x = tf.randomNormal([8, 2], 0, 1, 'float32', 2);
    const vars = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
    const dLoss = (d: tf.LayersModel, real: tf.Tensor, fake: tf.Tensor) =>
      tf.sub(tf.mean(d.apply(fake) as tf.Tensor), tf.mean(d.apply(real) as tf.Tensor)) as tf.Scalar;
    const gLoss = (d: tf.LayersModel, fake: tf.Tensor) =>
      tf.neg(tf.mean(d.apply(fake) as tf.Tensor)) as tf.Scalar;

    // Two passes: D on a detached fake batch, then a fresh G forward through the updated D.
    const a = make(10);
    const fakeA = a.g.apply(z) as tf.Tensor;
    a.opt.applyGradients(tf.variableGrads(() => dLoss(a.d, x, fakeA), vars(a.d)).grads);
    const gradsA = tf.variableGrads(() => gLoss(a.d, a.g.apply(z) as tf.Tensor), vars(a.g)).grads;

    // One pass, as the TF.js step (tfjs-step.ts) does it.
    const b = make(10);
    const gradsB = tf.variableGrads(() => {
      const fake = b.g.apply(z) as tf.Tensor;
      b.opt.applyGradients(tf.variableGrads(() => dLoss(b.d, x, fake), vars(b.d)).grads);
      return gLoss(b.d, fake);
    }, vars(b.g)).grads;

    const flat = (t: tf.Tensor[]) => Array.from(tf.concat(t.map((w) => w.flatten())).dataSync());
    expect(flat(b.d.getWeights())).toEqual(flat(a.d.getWeights()));
    const ga = flat(Object.values(gradsA));
    const gb = flat(Object.values(gradsB));
    expect(ga.some((v) => v !== 0)).toBe(true);
    expect(gb).toHaveLength(ga.length);
    gb.forEach((v, i) => expect(v).toBeCloseTo(ga[i]!, 6));
  });
});
