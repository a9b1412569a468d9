/**
 * Every architecture `--model` names, and the builder that makes its generator and discriminator.
 * Each builder is one file here; an architecture is added by writing its builder and naming it below.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/config';
import { ConfigError } from '../config/errors';
import { criticBatchNorm, discriminatorOutputs } from './common';
import { buildDcgan28 } from './dcgan28';
import { buildDcgan64 } from './dcgan64';
import { buildGaussian2d } from './gaussian2d';
import { buildMlp } from './mlp';
import { buildPointsMlp } from './points-mlp';
import { buildRdcgan80 } from './rdcgan80';
import type { GanModels, ModelDataSpec } from './types';

export type { GanModels, ModelDataSpec } from './types';

export type ModelBuilder = (tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec) => GanModels;

export const ARCHITECTURES: Record<TrainConfig['model'], ModelBuilder> = {
  gaussian2d: buildGaussian2d,
  // The playground's editable MLP, built as the page builds it (same seeds, Glorot init).
  'points-mlp': (tf, config, data) =>
    buildPointsMlp(tf, {
      latentDim: config.latentDim,
      hiddenG: config.hiddenG,
      hiddenD: config.hiddenD,
      activation: config.activation,
      seed: config.seed,
      dOutputs: discriminatorOutputs(config),
      dims: data.shape[0] ?? 2,
    }),
  mlp: buildMlp,
  dcgan28: (tf, config, data) => {
    if (discriminatorOutputs(config) !== 1) {
      throw new ConfigError(
        'the dcgan28 model has a one-logit discriminator: use --discriminatorHead=sigmoid',
      );
    }
    return buildDcgan28(tf, {
      latentDim: config.latentDim,
      imageShape: data.shape as [number, number, number],
      seed: config.seed,
      batchNormD: criticBatchNorm(config),
    });
  },
  dcgan64: buildDcgan64,
  rdcgan80: buildRdcgan80,
};

/** The generator and discriminator of `config.model` for data of `data.shape`. */
export function buildModels(tf: typeof tfTypes, config: TrainConfig, data: ModelDataSpec): GanModels {
  return ARCHITECTURES[config.model](tf, config, data);
}
