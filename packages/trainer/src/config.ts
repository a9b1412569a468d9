/**
 * Training configuration. Every default lives in DEFAULTS below; a preset overrides some, then a
 * JSON config file, then `--key=value` flags. Unknown keys and wrong types are refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { PRESETS } from './presets';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const TrainConfigSchema = z
  .object({
    /** Name of the preset the config started from. */
    preset: z.string(),
    /** Architecture family: the d2l 2-D generator or an MLP image GAN. */
    model: z.enum(['gaussian2d', 'mlp', 'dcgan28']),
    /** 'gaussian2d' (built-in toy data) or the path of an IDX image file (.gz or raw). */
    dataset: z.string().min(1),
    /** Use only the first N examples of the dataset. */
    limit: z.number().int().positive().optional(),
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    latentDim: z.number().int().positive(),
    /** Hidden layer widths of the MLP generator / discriminator. */
    hiddenG: z.array(z.number().int().positive()),
    hiddenD: z.array(z.number().int().positive()),
    lrD: z.number().positive(),
    lrG: z.number().positive(),
    beta1: z.number().min(0).max(1),
    beta2: z.number().min(0).max(1),
    /** Standard deviation of the N(0, s) initialisation of every weight and bias. */
    initStd: z.number().positive(),
    seed: z.number().int(),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
    /** Run directory; default runs/<preset>-<timestamp> under the workspace. */
    out: z.string().optional(),
    /** Points generated for the final mean/covariance report (2-D models). */
    evalSamples: z.number().int().positive(),
  })
  .strict();

export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type ConfigOverrides = Partial<TrainConfig>;

export const DEFAULTS: TrainConfig = {
  preset: 'mlp',
  model: 'mlp',
  dataset: 'fashion-mnist-test', // the 10k Fashion-MNIST test split bundled in packages/trainer/data
  epochs: 20,
  batchSize: 64,
  latentDim: 100,
  hiddenG: [256, 512],
  hiddenD: [512, 256],
  lrD: 2e-4,
  lrG: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  initStd: 0.02,
  seed: 1,
  backend: 'auto',
  evalSamples: 10000,
};

export const CONFIG_KEYS = Object.keys(TrainConfigSchema.shape) as (keyof TrainConfig)[];

function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') {
        return `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')} in ${source}; valid keys: ${CONFIG_KEYS.join(', ')}`;
      }
      return `${i.path.join('.') || '(root)'} in ${source}: ${i.message}`;
    })
    .join('; ');
}

/** Reads a JSON config file (a partial config). */
export function readConfigFile(path: string): ConfigOverrides {
  if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = TrainConfigSchema.partial().safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, path));
  return parsed.data;
}

/** Turns `--key=value` strings into typed overrides, using the schema to know each key's type. */
export function parseFlagValues(flags: Record<string, string>): ConfigOverrides {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(flags)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      throw new ConfigError(`unknown option --${key}; valid keys: ${CONFIG_KEYS.join(', ')}`);
    }
    const field = TrainConfigSchema.shape[key as keyof TrainConfig];
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodNumber) {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n))
        throw new ConfigError(`--${key} expects a number, got "${text}"`);
      out[key] = n;
    } else if (inner instanceof z.ZodArray) {
      const parts = text.split(',').map((s) => Number(s.trim()));
      if (parts.some((n) => !Number.isFinite(n))) {
        throw new ConfigError(`--${key} expects comma-separated numbers, got "${text}"`);
      }
      out[key] = parts;
    } else {
      out[key] = text;
    }
  }
  return out as ConfigOverrides;
}

/** defaults <- preset <- config file <- flags, validated as a whole. */
export function resolveConfig(opts: {
  preset?: string;
  file?: ConfigOverrides;
  flags?: ConfigOverrides;
}): TrainConfig {
  const presetName = opts.flags?.preset ?? opts.file?.preset ?? opts.preset ?? DEFAULTS.preset;
  const preset = PRESETS[presetName];
  if (!preset) {
    throw new ConfigError(
      `unknown preset "${presetName}"; available presets: ${Object.keys(PRESETS).join(', ')}`,
    );
  }
  const merged = { ...DEFAULTS, ...preset.config, ...opts.file, ...opts.flags, preset: presetName };
  const parsed = TrainConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, 'the configuration'));
  return parsed.data;
}
