/**
 * Loads a TF.js LayersModel from disk through the trainer's FileModelIO, turning every failure into a
 * one-line LayersModelLoadError (or UnsupportedLayerError for layer classes TF.js or the converter lacks).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileModelIO, ModelFileError, tf } from '@ganforge/trainer';
import { LayersModelLoadError, UnsupportedLayerError } from './errors';
import { findActivation, SUPPORTED_ACTIVATIONS } from './convert/activations';
import { SUPPORTED_LAYERS } from './convert/registry';

interface LayerEntry {
  className: string;
  name: string;
  /** The layer's `activation` setting, when it has one. */
  activation?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The top-level layers listed in a model.json topology (Sequential or functional). */
function topologyLayers(topology: unknown): LayerEntry[] {
  if (!isObject(topology)) return [];
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const config = model.config;
  const layers = isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers)) return [];
  return layers.filter(isObject).map((l) => ({
    className: String(l.class_name),
    name: isObject(l.config) && typeof l.config.name === 'string' ? l.config.name : '?',
    ...(isObject(l.config) && typeof l.config.activation === 'string'
      ? { activation: l.config.activation }
      : {}),
  }));
}

/**
 * Refuses layer classes the converter has no translation for before TF.js tries to build them, so a
 * custom layer gets the same error as any other unsupported one instead of TF.js's "Unknown layer".
 */
function assertSupportedLayers(modelJsonPath: string): void {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  } catch {
    return; // FileModelIO reports unreadable or invalid JSON with its own message.
  }
  if (!isObject(json)) return;
  for (const layer of topologyLayers(json.modelTopology)) {
    if (!SUPPORTED_LAYERS.includes(layer.className)) {
      throw new UnsupportedLayerError(
        `layer '${layer.name}' of class ${layer.className} is not supported; supported layer classes: ${SUPPORTED_LAYERS.join(', ')}`,
      );
    }
    // Checked here too: TF.js's own message for an unknown activation runs to several paragraphs.
    if (layer.activation !== undefined && !findActivation(layer.activation)) {
      throw new UnsupportedLayerError(
        `layer '${layer.name}' uses activation '${layer.activation}', which is not supported; supported activations: ${SUPPORTED_ACTIVATIONS.join(', ')}`,
      );
    }
  }
}

/** Loads a LayersModel from a model.json path (or its directory). Errors name the file and the problem. */
export async function loadLayersModelFromFile(path: string): Promise<tf.LayersModel> {
  const io = new FileModelIO(path);
  assertSupportedLayers(io.modelJsonPath);
  try {
    return await tf.loadLayersModel(io);
  } catch (e) {
    const msg = String((e as Error).message).split('\n')[0];
    if (e instanceof ModelFileError) throw new LayersModelLoadError(msg);
    throw new LayersModelLoadError(`could not load the TF.js model ${resolve(io.modelJsonPath)}: ${msg}`);
  }
}
