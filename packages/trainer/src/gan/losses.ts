/**
 * GAN objectives, each defined once: its name and help (the config's `--loss` enum and `--help` line
 * read them), its TF.js form (the TF.js step differentiates it), its form as ONNX graph ops with its
 * gradient written out beside it (the compiled step, engine/onnx/step.ts, has no autodiff), and how
 * the discriminator's output reads as a judgement (the accuracy and D(x) figures of both engines).
 * Losses take D's raw output (a logit, a critic score, or two softmax logits) and average over the batch;
 * `lossReduction: 'sum'` makes every one a sum over the batch instead (the loss and its gradients times
 * the batch size), as a summed BCE is.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Graph } from '../engine/onnx/graph';

type T = tfTypes.Tensor;
type S = tfTypes.Scalar;

/** What a TF.js loss is written with. */
export interface TfjsLossContext {
  tf: typeof tfTypes;
  /** The real examples' target: 1 − labelSmoothing (one-sided: fake targets stay 0). */
  realTarget: number;
  /** TF.js's cross-entropy of D's output against a constant target, for a one-logit or two-class head. */
  crossEntropy(out: T, target: number): S;
  mean(x: T): S;
}

/** What a graph loss is written with; its outputs are D's logits [batch, 1]. */
export interface OnnxLossContext {
  g: Graph;
  realTarget: number;
  batch: number;
}

/** D's loss in the graph, and its gradients with respect to D's outputs on the real and the fake batch. */
export interface OnnxDLoss {
  loss: string;
  dReal: string;
  dFake: string;
}

/** G's loss in the graph, and its gradient with respect to D's output on the generated batch. */
export interface OnnxGLoss {
  loss: string;
  dFake: string;
}

export interface LossDefinition<Name extends string = string> {
  name: Name;
  /** What it is, for `--help`. */
  help: string;
  /**
   * How D's output reads: above `threshold` is "real"; with `probability`, D's output is the logit of
   * P(real) (its belief is the sigmoid) and a two-class softmax head may stand in for it.
   */
  judge: { threshold: number; probability: boolean };
  tfjs: {
    d(c: TfjsLossContext, real: T, fake: T): S;
    g(c: TfjsLossContext, fake: T): S;
  };
  onnx: {
    d(c: OnnxLossContext, real: string, fake: string): OnnxDLoss;
    g(c: OnnxLossContext, fake: string): OnnxGLoss;
  };
}

/** TF.js sigmoidCrossEntropy with a constant target: mean(relu(l) − l·t + log(1 + e^−|l|)). */
function graphCrossEntropy(g: Graph, logits: string, target: number): string {
  const l = logits;
  const soft = g.op('Log', [g.add(g.scalar(1), g.op('Exp', [g.op('Neg', [g.op('Abs', [l])])]))]);
  return g.mean(g.add(g.sub(g.op('Relu', [l]), g.scale(l, target)), soft), [0, 1]);
}

const meanAll = (g: Graph, t: string) => g.mean(t, [0, 1]);

/** The cross-entropy D loss minimax and non-saturating share: (CE(real, 1 − s) + CE(fake, 0)) / 2. */
const crossEntropyD = {
  tfjs: (c: TfjsLossContext, real: T, fake: T) =>
    c.tf.div(c.tf.add(c.crossEntropy(real, c.realTarget), c.crossEntropy(fake, 0)), 2) as S,
  onnx: ({ g, realTarget: rt, batch: n }: OnnxLossContext, real: string, fake: string): OnnxDLoss => ({
    loss: g.scale(g.add(graphCrossEntropy(g, real, rt), graphCrossEntropy(g, fake, 0)), 0.5),
    dReal: g.scale(g.sub(g.op('Sigmoid', [real]), g.scalar(rt)), 1 / (2 * n)),
    dFake: g.scale(g.op('Sigmoid', [fake]), 1 / (2 * n)),
  }),
};

/** −mean D(G(z)): G's loss of the hinge and the Wasserstein GAN. */
const negatedMeanG = {
  tfjs: (c: TfjsLossContext, fake: T) => c.tf.neg(c.mean(fake)) as S,
  onnx: ({ g, batch: n }: OnnxLossContext, fake: string): OnnxGLoss => ({
    loss: g.op('Neg', [meanAll(g, fake)]),
    dFake: g.add(g.scale(fake, 0), g.scalar(-1 / n)),
  }),
};

const minimax: LossDefinition<'minimax'> = {
  name: 'minimax',
  help: 'G minimises log(1 − D(G(z)))',
  judge: { threshold: 0, probability: true },
  tfjs: {
    d: crossEntropyD.tfjs,
    // G minimises log(1 − D(G(z))) = −CE(fake, 0).
    g: (c, fake) => c.tf.neg(c.crossEntropy(fake, 0)) as S,
  },
  onnx: {
    d: crossEntropyD.onnx,
    g: ({ g, batch: n }, fake) => ({
      loss: g.op('Neg', [graphCrossEntropy(g, fake, 0)]),
      dFake: g.scale(g.op('Sigmoid', [fake]), -1 / n),
    }),
  },
};

const nonSaturating: LossDefinition<'non-saturating'> = {
  name: 'non-saturating',
  help: 'G minimises −log D(G(z))',
  judge: { threshold: 0, probability: true },
  tfjs: {
    d: crossEntropyD.tfjs,
    g: (c, fake) => c.crossEntropy(fake, 1),
  },
  onnx: {
    d: crossEntropyD.onnx,
    g: ({ g, batch: n }, fake) => ({
      loss: graphCrossEntropy(g, fake, 1),
      dFake: g.scale(g.sub(g.op('Sigmoid', [fake]), g.scalar(1)), 1 / n),
    }),
  },
};

const leastSquares: LossDefinition<'least-squares'> = {
  name: 'least-squares',
  help: 'LSGAN, squared errors to 1 and 0',
  judge: { threshold: 0.5, probability: false },
  tfjs: {
    d: ({ tf, mean, realTarget }, real, fake) =>
      tf.mul(0.5, tf.add(mean(tf.square(tf.sub(real, realTarget))), mean(tf.square(fake)))) as S,
    g: ({ tf, mean }, fake) => tf.mul(0.5, mean(tf.square(tf.sub(fake, 1)))) as S,
  },
  onnx: {
    d: ({ g, realTarget: rt, batch: n }, real, fake) => {
      const dr = g.sub(real, g.scalar(rt));
      return {
        loss: g.scale(g.add(meanAll(g, g.mul(dr, dr)), meanAll(g, g.mul(fake, fake))), 0.5),
        dReal: g.scale(dr, 1 / n),
        dFake: g.scale(fake, 1 / n),
      };
    },
    g: ({ g, batch: n }, fake) => {
      const d = g.sub(fake, g.scalar(1));
      return { loss: g.scale(meanAll(g, g.mul(d, d)), 0.5), dFake: g.scale(d, 1 / n) };
    },
  },
};

const hinge: LossDefinition<'hinge'> = {
  name: 'hinge',
  help: 'hinge on D, −D(G(z)) for G',
  judge: { threshold: 0, probability: false },
  tfjs: {
    d: ({ tf, mean }, real, fake) =>
      tf.add(mean(tf.relu(tf.sub(1, real))), mean(tf.relu(tf.add(1, fake)))) as S,
    g: negatedMeanG.tfjs,
  },
  onnx: {
    d: ({ g, batch: n }, real, fake) => {
      const zero = g.scalar(0);
      const one = g.scalar(1);
      const a = g.sub(one, real);
      const b = g.add(one, fake);
      const step = (t: string, k: number) =>
        g.op('Where', [g.op('Greater', [t, zero]), g.scalar(k / n), zero]);
      return {
        loss: g.add(meanAll(g, g.op('Relu', [a])), meanAll(g, g.op('Relu', [b]))),
        dReal: g.add(step(a, -1), g.scale(real, 0)),
        dFake: g.add(step(b, 1), g.scale(fake, 0)),
      };
    },
    g: negatedMeanG.onnx,
  },
};

const wasserstein: LossDefinition<'wasserstein'> = {
  name: 'wasserstein',
  help: 'WGAN critic, with clipping or a gradient penalty',
  judge: { threshold: 0, probability: false },
  tfjs: {
    d: ({ tf, mean }, real, fake) => tf.sub(mean(fake), mean(real)) as S,
    g: negatedMeanG.tfjs,
  },
  onnx: {
    d: ({ g, batch: n }, real, fake) => ({
      loss: g.sub(meanAll(g, fake), meanAll(g, real)),
      dReal: g.add(g.scale(real, 0), g.scalar(-1 / n)),
      dFake: g.add(g.scale(fake, 0), g.scalar(1 / n)),
    }),
    g: negatedMeanG.onnx,
  },
};

const DEFINITIONS = [minimax, nonSaturating, leastSquares, hinge, wasserstein] as const;

export type LossName = (typeof DEFINITIONS)[number]['name'];

/** Every loss's name, in `--help` order (the config's enum). */
export const LOSS_NAMES = DEFINITIONS.map((d) => d.name) as [LossName, ...LossName[]];

/** The definition of each loss, by name. */
export const LOSSES = Object.fromEntries(DEFINITIONS.map((d) => [d.name, d])) as Record<
  LossName,
  LossDefinition
>;

/** The settings an objective depends on (a TrainConfig has them). */
export interface LossSettings {
  loss: LossName;
  /** Average the loss over the batch (default) or sum it. */
  lossReduction?: 'mean' | 'sum';
  discriminatorHead: 'sigmoid' | 'softmax2';
  labelSmoothing: number;
}

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

/** The loss `config.loss` as TF.js ops, for D's head and label smoothing. */
export function objective(tf: typeof tfTypes, config: LossSettings): Objective {
  const def = LOSSES[config.loss];
  const softmax2 = config.discriminatorHead === 'softmax2';
  // Two-class softmax over (fake, real) logits; its "real" logit margin is l1 − l0.
  const margin = (out: T): T =>
    softmax2 ? tf.sub(out.slice([0, 1], [-1, 1]), out.slice([0, 0], [-1, 1])) : out;
  const c: TfjsLossContext = {
    tf,
    realTarget: 1 - config.labelSmoothing,
    crossEntropy: (out, target) => {
      if (softmax2) {
        const n = out.shape[0]!;
        const labels = tf.concat([tf.fill([n, 1], 1 - target), tf.fill([n, 1], target)], 1);
        return tf.losses.softmaxCrossEntropy(labels, out) as S;
      }
      return tf.losses.sigmoidCrossEntropy(tf.fill(out.shape, target), out) as S;
    },
    mean: (x) => tf.mean(x) as S,
  };
  const { threshold, probability } = def.judge;
  const reduce = (loss: S, out: T): S =>
    config.lossReduction === 'sum' ? (tf.mul(loss, out.shape[0]!) as S) : loss;
  return {
    d: (real, fake) => reduce(def.tfjs.d(c, real, fake), real),
    g: (fake) => reduce(def.tfjs.g(c, fake), fake),
    score: (out) => (threshold ? tf.sub(margin(out), threshold) : margin(out)),
    belief: (out) => (probability ? tf.sigmoid(margin(out)) : margin(out)),
  };
}

/** The graph settings of a loss: which one, the label smoothing of D's real target, the reduction. */
export type OnnxLossSettings = Pick<LossSettings, 'loss' | 'labelSmoothing' | 'lossReduction'>;

/** A summed loss: the mean's loss and gradients times the batch size. */
function reduced<L extends OnnxGLoss | OnnxDLoss>(
  g: Graph,
  config: OnnxLossSettings,
  l: L,
  batch: number,
): L {
  if (config.lossReduction !== 'sum') return l;
  const out = { ...l };
  for (const key of Object.keys(l) as (keyof L)[]) out[key] = g.scale(l[key] as string, batch) as L[keyof L];
  return out;
}

/** D's loss in the compiled step, and its gradients with respect to D's outputs on real and generated examples. */
export function discriminatorLoss(
  g: Graph,
  config: OnnxLossSettings,
  real: string,
  fake: string,
  batch: number,
): OnnxDLoss {
  const l = LOSSES[config.loss].onnx.d({ g, realTarget: 1 - config.labelSmoothing, batch }, real, fake);
  return reduced(g, config, l, batch);
}

/** G's loss in the compiled step, and its gradient with respect to D's output on the generated batch. */
export function generatorLoss(g: Graph, config: OnnxLossSettings, fake: string, batch: number): OnnxGLoss {
  return reduced(
    g,
    config,
    LOSSES[config.loss].onnx.g({ g, realTarget: 1 - config.labelSmoothing, batch }, fake),
    batch,
  );
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
