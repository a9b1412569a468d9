/**
 * Reads and writes TF.js LayersModels on the local disk (model.json + weight files), the part of
 * tfjs-node's `file://` handler that the pure-JS TF.js lacks. Use as
 * `tf.loadLayersModel(fileSystem('dir/model.json'))` or `model.save(fileSystem('dir'))`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tf, writeFileAtomic } from '@ganforge/trainer';
import { ModelLoadError } from '../errors';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

export class FileSystemIO implements tf.io.IOHandler {
  static readonly URL_SCHEME = 'file://';
  /** For loading: the model.json path; for saving: the directory. A directory given to load means its model.json. */
  readonly path: string;

  constructor(path: string) {
    this.path = resolve(
      path.startsWith(FileSystemIO.URL_SCHEME) ? path.slice(FileSystemIO.URL_SCHEME.length) : path,
    );
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const file =
      existsSync(this.path) && statSync(this.path).isDirectory() ? join(this.path, MODEL_JSON) : this.path;
    if (!existsSync(file))
      throw new ModelLoadError(`model file not found: ${file} (pass the path of a TF.js model.json)`);
    let json: tf.io.ModelJSON;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as tf.io.ModelJSON;
    } catch (e) {
      throw new ModelLoadError(`${file} is not valid JSON (${(e as Error).message}); re-save the model`);
    }
    if (
      typeof json !== 'object' ||
      json === null ||
      !json.modelTopology ||
      !Array.isArray(json.weightsManifest)
    ) {
      throw new ModelLoadError(
        `${file} is not a TF.js LayersModel: it needs modelTopology and weightsManifest`,
      );
    }
    const dir = dirname(file);
    return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const parts: Uint8Array[] = [];
      for (const group of manifest) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const weightFile = join(dir, p);
          if (!existsSync(weightFile))
            throw new ModelLoadError(`weight file ${weightFile} named in ${file} is missing`);
          parts.push(readFileSync(weightFile));
        }
      }
      const all = Buffer.concat(parts);
      return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
    });
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error('FileSystemIO saves LayersModels only (binary topologies are not supported)');
    }
    const weights = artifacts.weightData
      ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
      : new ArrayBuffer(0);
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    };
    if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
    writeFileAtomic(join(this.path, WEIGHTS_BIN), new Uint8Array(weights));
    writeFileAtomic(join(this.path, MODEL_JSON), JSON.stringify(json));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(json) };
  }
}

export function fileSystem(path: string): FileSystemIO {
  return new FileSystemIO(path);
}

/** Loads a LayersModel from a model.json path (or its directory). Errors name the file and the problem. */
export async function loadLayersModelFromFile(path: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(fileSystem(path));
  } catch (e) {
    if (e instanceof ModelLoadError) throw e;
    const msg = (e as Error).message.split('\n')[0];
    throw new ModelLoadError(`could not load the TF.js model ${resolve(path)}: ${msg}`);
  }
}
