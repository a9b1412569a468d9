/** @ganforge/exporter: TF.js LayersModel generators -> ONNX, verified against TF.js. */
export { exportGenerator, type ExportOptions, type ExportResult, type TensorSummary } from './export';
export {
  convertLayersModel,
  type ConvertOptions,
  type ConvertResult,
  type ImageShape,
  type InputBinding,
} from './convert/convert';
export { loadLayersModelFromFile } from './load';
export { SUPPORTED_LAYERS } from './convert/registry';
export { SUPPORTED_ACTIVATIONS } from './convert/activations';
export {
  verifyExport,
  PARITY_TOLERANCE,
  DEFAULT_VERIFY_BATCHES,
  type VerifyReport,
  type BatchDiff,
} from './verify';
export { ExportError, ExportOptionError, LayersModelLoadError, UnsupportedLayerError } from './errors';
