export { initBackend, tf, type BackendName } from './backend';
export { train, type TrainEvent, type TrainOptions, type TrainResult } from './train';
export { resolveConfig, TrainConfigSchema, ConfigError, type TrainConfig } from './config';
export { PRESETS } from './presets';
export { FileModelIO, ModelFileError } from './run/model-io';
export { buildModels, type GanModels, type ModelDataSpec } from './models';
