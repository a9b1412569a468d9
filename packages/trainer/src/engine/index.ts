/**
 * The one place a run's engine is chosen. `--engine=auto` (the default) compiles the step for
 * onnxruntime where the model and options allow it and trains on TF.js otherwise, saying why;
 * `--engine=onnxruntime` refuses to fall back; `--engine=tfjs`, or any `--backend` but auto, is TF.js.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { ConfigError, type TrainConfig } from '../config';
import { createNodeEngine } from './onnx/node-engine';
import { UncompilableError } from './onnx/net';
import { TfjsEngine } from './tfjs-step';
import type { EngineModels, TrainEngine } from './types';

export type { EngineName, ProfileRow, StepBatch, TrainEngine } from './types';

export interface EngineContext {
  batch: number;
  dataShape: number[];
  numClasses: number;
  /** Record where the compiled step's time goes (TrainEngine.profile). */
  profile?: boolean;
}

export async function createEngine(
  tf: typeof tfTypes,
  models: EngineModels,
  config: TrainConfig,
  ctx: EngineContext,
): Promise<TrainEngine> {
  const tfjs = (note?: string) => new TfjsEngine(tf, models, { config, ...ctx }, note);
  if (config.engine === 'tfjs') return tfjs();
  if (config.backend !== 'auto') {
    if (config.engine === 'onnxruntime') {
      throw new ConfigError(
        `--backend=${config.backend} trains on TF.js: drop it to use --engine=onnxruntime`,
      );
    }
    return tfjs(`--backend=${config.backend} trains on TF.js`);
  }
  try {
    return await createNodeEngine(tf, models, {
      config,
      batch: ctx.batch,
      dataShape: ctx.dataShape,
      threads: config.threads,
      spin: config.spin,
      provider: config.provider,
      ...(ctx.profile ? { profile: true } : {}),
    });
  } catch (e) {
    if (!(e instanceof UncompilableError)) throw e;
    if (config.engine === 'onnxruntime') {
      throw new ConfigError(`--engine=onnxruntime cannot compile this run: ${e.message} (use --engine=auto)`);
    }
    return tfjs(e.message);
  }
}
