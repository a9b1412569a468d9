/**
 * The exporter for browsers: a TF.js LayersModel in memory to ONNX file bytes with GANForge's
 * metadata, with no Node module anywhere below (browser.test.ts bundles it for the browser and keeps it
 * so). Reading model files, verifying with onnxruntime-node and writing files stay in the Node entry.
 */
import type { tf } from '@ganforge/trainer/browser';
import { convertLayersModel, type ConvertOptions, type ConvertResult } from './convert/convert';
import { ExportError } from './errors';
import { encodeGenerator, metadataFor, type MetadataFacts } from './onnx-file';
import { DEFAULT_OPSET } from '@ganforge/contracts/onnx';

export {
  convertLayersModel,
  type ConvertOptions,
  type ConvertResult,
  type ImageShape,
} from './convert/convert';
export { encodeGenerator, metadataFor, type MetadataFacts } from './onnx-file';
export { ExportError, UnsupportedLayerError } from './errors';
export { SUPPORTED_LAYERS } from './convert/registry';
export { SUPPORTED_ACTIVATIONS } from './convert/activations';

export interface ModelExportOptions extends ConvertOptions {
  /** The preset (or page) the model came from, and a name for the run: both go into the metadata. */
  facts?: MetadataFacts;
  sourceRun?: string;
  opset?: number;
}

export interface ModelExport {
  bytes: Uint8Array;
  metadata: Record<string, string>;
  converted: ConvertResult;
}

/** A diverged model (NaN or Infinity in a weight) can pass no check: say so before converting. */
function assertFinite(model: tf.LayersModel): void {
  for (const w of model.weights) {
    const values = w.read().dataSync();
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ExportError(
        `weight ${w.originalName} holds ${values[bad]}: the model diverged; reset and train again (a lower learning rate helps)`,
      );
    }
  }
}

/** Converts a generator in memory to an ONNX file (bytes), as `ganforge export generator` writes it. */
export function exportModel(model: tf.LayersModel, options: ModelExportOptions = {}): ModelExport {
  assertFinite(model);
  const { facts, sourceRun, opset = DEFAULT_OPSET, ...convert } = options;
  const converted = convertLayersModel(model, convert);
  const metadata = metadataFor(converted, facts, sourceRun);
  return { bytes: encodeGenerator(converted, metadata, opset), metadata, converted };
}
