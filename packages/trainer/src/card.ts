/** The model card the gallery and the exporter read: what the run is and how far it got. */
import type { TrainConfig } from './config';
import type { Dataset } from './data/datasets';
import type { GaussianEstimate } from './estimate';
import { evaluationSource } from './eval/hook';
import type { MetricsRecord, ModelCard } from './run/schema';

export interface CardFacts {
  name: string;
  config: TrainConfig;
  data: Dataset;
  engine: string;
  epochs: number;
  steps: number;
  wallTimeSec: number;
  generatorParams: number;
  discriminatorParams: number;
  metrics: MetricsRecord[];
  estimate?: GaussianEstimate;
}

export function modelCard(f: CardFacts): ModelCard {
  const { config, data, metrics } = f;
  const lastEval = metrics.filter((m) => m.extra).at(-1);
  const evaluation = lastEval?.extra ? evaluationSource(lastEval.epoch, lastEval.extra) : undefined;
  const imageShape = data.imageShape;
  return {
    name: f.name,
    preset: config.preset,
    dataset: { name: data.name, examples: data.count, ...(data.license ? { license: data.license } : {}) },
    latentDim: config.latentDim,
    output: imageShape
      ? {
          kind: 'image',
          height: imageShape[0],
          width: imageShape[1],
          channels: imageShape[2],
          range: [-1, 1],
        }
      : { kind: 'points', dims: data.shape[0] ?? 2 },
    ...(config.conditional && data.classNames ? { classNames: data.classNames } : {}),
    epochs: f.epochs,
    steps: f.steps,
    generatorParams: f.generatorParams,
    discriminatorParams: f.discriminatorParams,
    wallTimeSec: f.wallTimeSec,
    engine: f.engine,
    finalMetrics: {
      ...(metrics.length ? { lossD: metrics.at(-1)!.lossD, lossG: metrics.at(-1)!.lossG } : {}),
      ...(f.estimate ? { worstRelErr: f.estimate.worstRelErr } : {}),
      // The latest periodic evaluation (eval.* keys), when there is one.
      ...(lastEval?.extra ?? {}),
    },
    ...(evaluation ? { evaluation } : {}),
    reproduce: `npx nx run trainer:train --preset=${config.preset} --seed=${config.seed}`,
  };
}
