// The run-directory contract lives in @ganforge/contracts; it is re-exported here for code that still
// takes it from the trainer (the gallery's), which loads TF.js for it: import it from the contracts.
export * from '@ganforge/contracts';
export { initBackend, tf, type BackendName } from './backend';
export { train, type TrainEvent, type TrainOptions, type TrainResult } from './train';
export { resolveConfig, TrainConfigSchema, ConfigError, type TrainConfig } from './config';
export { PRESETS } from './presets';
export { FileModelIO, ModelFileError } from './run/model-io';
export { buildModels, type GanModels, type ModelDataSpec } from './models';
