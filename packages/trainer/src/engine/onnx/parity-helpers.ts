/**
 * What the parity checks share (the CPU parity test, the web engine's test and the WebGPU parity
 * child): a run's networks and optimizers made as the trainer makes them, and the relative error and
 * weight agreement the checks hold them to. Test
 * support only: nothing in the engine imports it.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../../config/config';
import { makeOptimizer } from '../../gan/optimizers';
import { buildModels } from '../../models';
import type { EngineModels } from '../types';

/** G, D (an EMA copy of G when the config has one) and their optimizers, from the config's seeds. */
export function makeModels(
  tf: typeof tfTypes,
  config: TrainConfig,
  shape: number[],
  numClasses?: number,
): EngineModels {
  const data = { shape, ...(numClasses ? { numClasses } : {}) };
  const { generator, discriminator } = buildModels(tf, config, data);
  let ema: tfTypes.LayersModel | undefined;
  if (config.emaDecay > 0) {
    ema = buildModels(tf, config, data).generator;
    ema.setWeights(generator.getWeights());
  }
  return {
    generator,
    discriminator,
    ...(ema ? { ema } : {}),
    optD: makeOptimizer(tf, config, config.lrD),
    optG: makeOptimizer(tf, config, config.lrG),
  };
}

/** ‖a − b‖ / ‖b‖, the error relative to the tensor's size (float32 sums differ in their last bits). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

/**
 * An optimizer step moves a weight by about ±lr whatever the gradient's size, so a gradient that is
 * zero up to rounding may move either way in the two engines: weights must agree except in such
 * rare elements (at most the `share` of them).
 */
export function weightsAgree(a: Float32Array, b: Float32Array, share = 1e-3): boolean {
  let scale = 1e-12;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let off = 0;
  for (let i = 0; i < b.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-4 * scale) off++;
  return off <= Math.max(1, b.length * share);
}
