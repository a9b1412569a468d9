import { UserError } from '@ganforge/contracts/errors';

/** Typed errors of the exporter. Each message is one line that says what was wrong and what to do. */
export class ExportError extends UserError {
  override name = 'ExportError';
}

/** A layer class (or a configuration of one) the converter has no ONNX translation for. */
export class UnsupportedLayerError extends ExportError {
  override name = 'UnsupportedLayerError';
}

/** model.json or its weight files could not be read or parsed. */
export class LayersModelLoadError extends ExportError {
  override name = 'LayersModelLoadError';
}

/** Bad options passed to exportGenerator or the CLI. */
export class ExportOptionError extends ExportError {
  override name = 'ExportOptionError';
}
