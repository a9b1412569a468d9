/**
 * The configuration, as the package's `./config` entry: the schema with its defaults and checks, the
 * presets, and how flags, a file and a preset resolve into one config. Nothing here touches the file
 * system (reading a config file is config-file.ts), so it loads in a browser too.
 */
export {
  checkCombination,
  CONFIG_KEYS,
  DEFAULTS,
  describeIssues,
  parseFlagValues,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from './config';
export { ConfigError } from './errors';
export { CONFIG_HELP } from './help';
export { PRESETS, type Preset } from './presets';
export { resolveConfig } from './resolve';
