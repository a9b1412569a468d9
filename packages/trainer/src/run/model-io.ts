/**
 * TF.js IO handler for LayersModels on the local disk (model.json + weights.bin), usable without
 * @tensorflow/tfjs-node. Saving is atomic per file, and weights are written before model.json so a
 * model.json on disk always points at complete weights.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { writeFileAtomic } from '@ganforge/contracts';
import { layersModelJson, WEIGHTS_FILE } from './checkpoint-files';
import { UserError } from '@ganforge/contracts/errors';

export class ModelFileError extends UserError {
  override name = 'ModelFileError';
}

/** `model.save(new FileModelIO(dir))` and `tf.loadLayersModel(new FileModelIO(dir or model.json))`. */
export class FileModelIO implements io.IOHandler {
  readonly modelJsonPath: string;

  constructor(path: string) {
    const p = resolve(path);
    this.modelJsonPath = p.endsWith('.json') ? p : join(p, 'model.json');
  }

  async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
    if (!(artifacts.modelTopology && typeof artifacts.modelTopology === 'object')) {
      throw new ModelFileError('only LayersModels with a JSON topology can be saved');
    }
    const weights = concatWeightData(artifacts.weightData);
    const dir = dirname(this.modelJsonPath);
    writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
    const modelJson = layersModelJson(artifacts);
    writeFileAtomic(this.modelJsonPath, JSON.stringify(modelJson));
    return {
      modelArtifactsInfo: {
        dateSaved: new Date(),
        modelTopologyType: 'JSON',
        weightDataBytes: weights.byteLength,
      },
    };
  }

  async load(): Promise<io.ModelArtifacts> {
    const path = this.modelJsonPath;
    if (!existsSync(path)) throw new ModelFileError(`model file not found: ${path}`);
    let json: {
      modelTopology?: object;
      weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
      format?: string;
      generatedBy?: string;
      convertedBy?: string | null;
      userDefinedMetadata?: Record<string, unknown>;
    };
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ModelFileError(`${path} is not valid JSON (${(e as Error).message}); is the file truncated?`);
    }
    if (!json.modelTopology || typeof json.modelTopology !== 'object') {
      throw new ModelFileError(
        `${path} has no modelTopology: not a TF.js LayersModel (graph models are not supported)`,
      );
    }
    const manifest = json.weightsManifest ?? [];
    const specs: io.WeightsManifestEntry[] = [];
    const buffers: Buffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const p of group.paths) {
        const file = join(dirname(path), p);
        if (!existsSync(file)) throw new ModelFileError(`weights file missing: ${file} (listed in ${path})`);
        buffers.push(readFileSync(file));
      }
    }
    const weights = Buffer.concat(buffers);
    const expected = specs.reduce(
      (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPerElement(s.dtype),
      0,
    );
    if (weights.byteLength !== expected) {
      throw new ModelFileError(
        `weights of ${path} hold ${weights.byteLength} bytes but the manifest needs ${expected}: the files are truncated or do not belong together`,
      );
    }
    return {
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      userDefinedMetadata: json.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'],
    };
  }
}

function bytesPerElement(dtype: string): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'bool') return 1;
  throw new ModelFileError(`unsupported weight dtype ${dtype}`);
}

function concatWeightData(data: io.ModelArtifacts['weightData']): Uint8Array {
  if (!data) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((b) => new Uint8Array(b)));
}
