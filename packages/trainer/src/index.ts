export { initBackend, tf, type BackendName } from './kernels/backend';
export { train } from './loop/train';
export type { TrainEvent, TrainOptions, TrainResult } from './loop/types';
export { resolveConfig, TrainConfigSchema, ConfigError, PRESETS, type TrainConfig } from './config';
export { FileModelIO, ModelFileError } from './run/model-io';
export { buildModels, type GanModels, type ModelDataSpec } from './models';
