/**
 * GAN objectives on the discriminator's raw output (a logit, a critic score, or two softmax logits).
 * Each returns scalars averaged over the batch.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from './config';

type T = tfTypes.Tensor;
type S = tfTypes.Scalar;

export interface Objective {
  /** D's loss given its outputs on real and on generated examples. */
  d(real: T, fake: T): S;
  /** G's loss given D's output on generated examples. */
  g(fake: T): S;
  /** One score per example: > 0 means "real" (for the accuracy figures). */
  score(out: T): T;
  /** D's belief per example: a probability for the cross-entropy losses, the raw output otherwise. */
  belief(out: T): T;
}

export function objective(
  tf: typeof tfTypes,
  config: Pick<TrainConfig, 'loss' | 'discriminatorHead' | 'labelSmoothing'>,
): Objective {
  const realTarget = 1 - config.labelSmoothing; // one-sided: fake targets stay 0
  const softmax2 = config.discriminatorHead === 'softmax2';
  // Two-class softmax over (fake, real) logits; its "real" logit margin is l1 - l0.
  const score = (out: T): T =>
    softmax2 ? tf.sub(out.slice([0, 1], [-1, 1]), out.slice([0, 0], [-1, 1])) : out;
  const ce = (out: T, target: number): S => {
    if (softmax2) {
      const n = out.shape[0]!;
      const labels = tf.concat([tf.fill([n, 1], 1 - target), tf.fill([n, 1], target)], 1);
      return tf.losses.softmaxCrossEntropy(labels, out) as S;
    }
    return tf.losses.sigmoidCrossEntropy(tf.fill(out.shape, target), out) as S;
  };
  const mean = (x: T) => tf.mean(x) as S;
  switch (config.loss) {
    case 'minimax':
    case 'non-saturating': {
      const minimax = config.loss === 'minimax';
      return {
        d: (real, fake) => tf.div(tf.add(ce(real, realTarget), ce(fake, 0)), 2) as S,
        // minimax: G minimises log(1 - D(G(z))) = -CE(fake, 0); non-saturating: -log D(G(z)).
        g: (fake) => (minimax ? (tf.neg(ce(fake, 0)) as S) : ce(fake, 1)),
        score,
        belief: (out) => tf.sigmoid(score(out)),
      };
    }
    case 'least-squares':
      return {
        d: (real, fake) =>
          tf.mul(0.5, tf.add(mean(tf.square(tf.sub(real, realTarget))), mean(tf.square(fake)))) as S,
        g: (fake) => tf.mul(0.5, mean(tf.square(tf.sub(fake, 1)))) as S,
        score: (out) => tf.sub(out, 0.5),
        belief: (out) => out,
      };
    case 'hinge':
      return {
        d: (real, fake) => tf.add(mean(tf.relu(tf.sub(1, real))), mean(tf.relu(tf.add(1, fake)))) as S,
        g: (fake) => tf.neg(mean(fake)) as S,
        score: (out) => out,
        belief: (out) => out,
      };
    case 'wasserstein':
      return {
        d: (real, fake) => tf.sub(mean(fake), mean(real)) as S,
        g: (fake) => tf.neg(mean(fake)) as S,
        score: (out) => out,
        belief: (out) => out,
      };
  }
}

/**
 * MSGAN's mode-seeking term over a batch whose two halves share labels: 1 / (d_img / d_z + 1e-5), with d the
 * mean absolute difference between the halves' images and latents. Small when images move with z.
 */
export function modeSeekingTerm(tf: typeof tfTypes, fake: T, z: T): S {
  const half = fake.shape[0]! / 2;
  const split = (t: T) => [t.slice(0, half), t.slice(half, half)] as const;
  const [f1, f2] = split(fake);
  const [z1, z2] = split(z);
  const ratio = tf.div(tf.mean(tf.abs(tf.sub(f1, f2))), tf.mean(tf.abs(tf.sub(z1, z2))));
  return tf.div(1, tf.add(ratio, 1e-5)) as S;
}
