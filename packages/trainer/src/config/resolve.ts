/** The configuration a run trains with: defaults, then a preset, then a config file, then flags. */
import {
  checkCombination,
  DEFAULTS,
  describeIssues,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from './config';
import { ConfigError } from './errors';
import { PRESETS } from './presets';

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
  checkCombination(parsed.data);
  return parsed.data;
}
