/**
 * A small MLP GAN for 2-D points with editable depth and width (the playground's model; the d2l
 * experiment's fixed network is the `gaussian2d` model in gaussian2d.ts). G maps z to a point with a
 * linear output; D maps a point to one logit (or two softmax logits).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { ConfigError } from '../config/errors';
import type { GanModels } from './types';

export const HIDDEN_ACTIVATIONS = ['relu', 'tanh', 'leakyRelu'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

export interface PointsMlpOptions {
  latentDim: number;
  /** Hidden widths of G and of D, input side first. */
  hiddenG: number[];
  hiddenD: number[];
  activation: HiddenActivation;
  /** Initialisers are seeded from it, so a seed fixes the starting weights. */
  seed: number;
  /** D's outputs: 1 (a logit or critic score) or 2 (softmax head). */
  dOutputs?: 1 | 2;
  dims?: number;
}

/** Largest hidden layer count and width the builder accepts (bigger nets are no 2-D toy). */
export const POINTS_MLP_LIMITS = { layers: 6, width: 512, latentDim: 64 } as const;

function check(name: string, widths: number[]): void {
  const { layers, width } = POINTS_MLP_LIMITS;
  if (widths.length > layers || widths.some((w) => !Number.isInteger(w) || w < 1 || w > width)) {
    throw new ConfigError(
      `${name} must be at most ${layers} hidden layers of 1 to ${width} units each (got [${widths.join(', ')}])`,
    );
  }
}

export function buildPointsMlp(tf: typeof tfTypes, o: PointsMlpOptions): GanModels {
  check('the generator', o.hiddenG);
  check('the discriminator', o.hiddenD);
  if (!Number.isInteger(o.latentDim) || o.latentDim < 1 || o.latentDim > POINTS_MLP_LIMITS.latentDim) {
    throw new ConfigError(`the latent size must be 1 to ${POINTS_MLP_LIMITS.latentDim} (got ${o.latentDim})`);
  }
  const dims = o.dims ?? 2;
  // Glorot-uniform weights, zero biases; one seed per layer derived from the run seed.
  let layerSeed = o.seed * 1000;
  const dense = (units: number, inputDim?: number) =>
    tf.layers.dense({
      units,
      ...(inputDim ? { inputShape: [inputDim] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed++ }),
      biasInitializer: 'zeros',
    });
  const stack = (name: string, input: number, hidden: number[], outputs: number) => {
    const model = tf.sequential({ name });
    let inputDim: number | undefined = input;
    for (const units of hidden) {
      model.add(dense(units, inputDim));
      inputDim = undefined;
      if (o.activation === 'leakyRelu') model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
      else model.add(tf.layers.activation({ activation: o.activation }));
    }
    model.add(dense(outputs, inputDim));
    return model;
  };
  return {
    generator: stack('generator', o.latentDim, o.hiddenG, dims),
    discriminator: stack('discriminator', dims, o.hiddenD, o.dOutputs ?? 1),
  };
}
