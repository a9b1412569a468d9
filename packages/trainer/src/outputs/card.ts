/** The model card the gallery and the exporter read: what the run is and how far it got. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { resolveConfig, type TrainConfig } from '../config';
import type { Dataset } from '../data/types';
import type { GaussianEstimate } from '../eval/estimate';
import { evaluationSource } from '../eval/hook';
import { countEpochs, type MetricsRecord, type ModelCard } from '@ganforge/contracts';
import { PACKAGE_DIR } from '../data/package-dir';
import { flagOf } from '../cli/flag-names';

export interface CardFacts {
  name: string;
  config: TrainConfig;
  data: Dataset;
  engine: string;
  /** Whole epochs done; the card counts a part last epoch too (from `steps`). */
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
  // Epochs as everywhere else: a part last epoch counts, with its steps (the loop's steps per epoch).
  const count = countEpochs(f.steps, Math.floor(data.count / config.batchSize));
  const lastEval = metrics.filter((m) => m.extra).at(-1);
  const evaluation = lastEval?.extra
    ? evaluationSource(lastEval.epoch, lastEval.extra, config.dataset, data.imageShape)
    : undefined;
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
    epochs: Math.max(f.epochs, count.epochs),
    steps: f.steps,
    ...(count.partialEpoch ? { partialEpoch: count.partialEpoch } : {}),
    generatorParams: f.generatorParams,
    discriminatorParams: f.discriminatorParams,
    wallTimeSec: f.wallTimeSec,
    engine: f.engine,
    finalMetrics: {
      ...(metrics.length ? { lossD: metrics.at(-1)!.lossD, lossG: metrics.at(-1)!.lossG } : {}),
      // With augmentation: p and the overfitting signal r_t where the run ended.
      ...augmentFigures(metrics.at(-1)),
      ...(f.estimate ? { worstRelErr: f.estimate.worstRelErr } : {}),
      // The latest periodic evaluation (eval.* keys), when there is one.
      ...(lastEval?.extra ?? {}),
    },
    ...(evaluation ? { evaluation } : {}),
    reproduce: reproduceText(config),
  };
}

function augmentFigures(last: MetricsRecord | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (last?.augmentP !== undefined) out.augmentP = last.augmentP;
  if (last?.overfitSignal !== undefined) out.overfitSignal = last.overfitSignal;
  return out;
}

/** Written first (preset, seed), or where the run went rather than what it is (out). */
const NOT_REPRODUCED = new Set<keyof TrainConfig>(['preset', 'out', 'seed']);

/** A flag value as the CLI reads it back (arrays comma-separated), shell-quoted when it has to be. */
function flagValue(v: unknown): string {
  const text = Array.isArray(v) ? v.join(',') : String(v);
  return /^[\w.,/:@+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The train command that resolves to `config` again, as a user of the installed package types it: the preset, the seed and every key whose value
 * differs from what the preset alone gives, in the schema's order, as the CLI spells them (kebab-case,
 * `--arch` for `model`, `--label-file` for `labels`).
 */
export function reproduceCommand(config: TrainConfig): string {
  const base = resolveConfig({ preset: config.preset }) as Record<string, unknown>;
  const flags = [`--preset=${flagValue(config.preset)}`, `--seed=${config.seed}`];
  for (const [key, value] of Object.entries(config)) {
    if (NOT_REPRODUCED.has(key as keyof TrainConfig) || value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(base[key]))
      flags.push(`--${flagOf(key as keyof TrainConfig)}=${flagValue(value)}`);
  }
  return `npx ganforge train ${flags.join(' ')}`;
}

const require = createRequire(import.meta.url);
const TRACKED = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node'];

/** Versions of the trainer, the libraries that compute a step, and Node: what else a rerun needs the same. */
export function packageVersions(): Record<string, string> {
  const own = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const out: Record<string, string> = { [own.name]: own.version };
  for (const name of TRACKED) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not installed (an optional backend): nothing to record
    }
  }
  out['node'] = process.versions.node;
  return out;
}

/** The card's reproduce text: the command, then a comment line with the versions it ran with. */
export function reproduceText(config: TrainConfig): string {
  const versions = Object.entries(packageVersions())
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${reproduceCommand(config)}\n# trained with ${versions}`;
}
