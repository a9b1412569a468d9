/**
 * A checkpoint's files as bytes, with no file system: what `writeCheckpoint` (checkpoint.ts) puts on
 * disk and `restoreCheckpoint` reads, made in memory so that a browser (the gallery's playground) can
 * hand out a run folder that `ganforge train --resume` continues. Layout under the run folder:
 *
 *     checkpoint/latest.json                     names the folder below (CheckpointInfo)
 *     checkpoint/step-NNNNNNNNN/generator/       model.json + weights.bin (a TF.js LayersModel)
 *     checkpoint/step-NNNNNNNNN/discriminator/
 *     checkpoint/step-NNNNNNNNN/optimizers.json  [{ optimizer, name, shape, dtype }] in order
 *     checkpoint/step-NNNNNNNNN/optimizers.bin   their values as float32, one after another
 *     checkpoint/step-NNNNNNNNN/optimizer-powers.json  Adam's running β powers per optimizer
 */
import type * as tfTypes from '@tensorflow/tfjs';
import {
  CHECKPOINT_FILES,
  type CheckpointInfo,
  CheckpointInfoSchema,
  RUN_FILES,
} from '@ganforge/contracts/schema';

export const OPTIMIZER_JSON = CHECKPOINT_FILES.optimizerJson;
export const OPTIMIZER_BIN = CHECKPOINT_FILES.optimizerBin;
/** Adam's running β powers per optimizer: TF.js's getWeights leaves them out. */
export const OPTIMIZER_POWERS = CHECKPOINT_FILES.optimizerPowers;
export const WEIGHTS_FILE = 'weights.bin';

/**
 * A LayersModel's model.json as TF.js writes it, its weights in one WEIGHTS_FILE beside it: the one
 * layout both the file writer (model-io.ts) and the in-memory files here use.
 */
export function layersModelJson(artifacts: tfTypes.io.ModelArtifacts): Record<string, unknown> {
  return {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
}

/** The folder of the checkpoint at `step`, under checkpoint/. */
export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

export interface SavedTensor {
  optimizer: string;
  name: string;
  shape: number[];
  dtype: string;
}

/** The running β1^(t+1), β2^(t+1) of TF.js's Adam: private fields, not part of its typed surface. */
interface AdamPowers {
  accBeta1: tfTypes.Variable;
  accBeta2: tfTypes.Variable;
}

export function adamPowers(opt: tfTypes.Optimizer): AdamPowers | undefined {
  return opt.getClassName() === 'Adam' ? (opt as unknown as AdamPowers) : undefined;
}

/** The optimizers' state: the tensor list, its values and Adam's powers. */
export async function optimizerFiles(optimizers: Record<string, tfTypes.Optimizer>): Promise<{
  manifest: SavedTensor[];
  bin: Uint8Array;
  powers: Record<string, [number, number]>;
}> {
  const manifest: SavedTensor[] = [];
  const chunks: Float32Array[] = [];
  const powers: Record<string, [number, number]> = {};
  for (const [key, opt] of Object.entries(optimizers)) {
    const adam = adamPowers(opt);
    if (adam) powers[key] = [(await adam.accBeta1.data())[0]!, (await adam.accBeta2.data())[0]!];
    const weights = await opt.getWeights();
    for (const [i, w] of weights.entries()) {
      const data = await w.tensor.data();
      // The first entry is the iteration count, a fresh scalar; the rest are the optimizer's own variables.
      if (i === 0) w.tensor.dispose();
      manifest.push({ optimizer: key, name: w.name, shape: w.tensor.shape, dtype: w.tensor.dtype });
      chunks.push(Float32Array.from(data as ArrayLike<number>));
    }
  }
  const bin = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    bin.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  return { manifest, bin, powers };
}

/** A LayersModel as the model.json and weights.bin the trainer's FileModelIO writes. */
export async function layersModelFiles(
  tf: typeof tfTypes,
  model: tfTypes.LayersModel,
): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  const artifacts = await new Promise<tfTypes.io.ModelArtifacts>((resolve, reject) => {
    model
      .save(
        tf.io.withSaveHandler(async (a) => {
          resolve(a);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      )
      .catch(reject);
  });
  const data = artifacts.weightData;
  const weights = new Uint8Array(
    Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : (data ?? new ArrayBuffer(0)),
  );
  return { modelJson: new TextEncoder().encode(JSON.stringify(layersModelJson(artifacts))), weights };
}

export interface CheckpointFile {
  /** Relative to the run folder. */
  path: string;
  data: Uint8Array;
}

/** Every file of a checkpoint (latest.json last), with paths relative to the run folder. */
export async function checkpointFiles(
  tf: typeof tfTypes,
  models: {
    generator: tfTypes.LayersModel;
    discriminator: tfTypes.LayersModel;
    optimizers: Record<string, tfTypes.Optimizer>;
  },
  info: Omit<CheckpointInfo, 'dir' | 'writtenAt' | 'ema'>,
): Promise<CheckpointFile[]> {
  const dir = checkpointDirName(info.step);
  const root = RUN_FILES.checkpointDir;
  const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2));
  const files: CheckpointFile[] = [];
  for (const [name, model] of [
    [RUN_FILES.generatorDir, models.generator],
    [RUN_FILES.discriminatorDir, models.discriminator],
  ] as const) {
    const { modelJson, weights } = await layersModelFiles(tf, model);
    files.push(
      { path: `${root}/${dir}/${name}/${WEIGHTS_FILE}`, data: weights },
      { path: `${root}/${dir}/${name}/model.json`, data: modelJson },
    );
  }
  const { manifest, bin, powers } = await optimizerFiles(models.optimizers);
  files.push(
    { path: `${root}/${dir}/${OPTIMIZER_BIN}`, data: bin },
    { path: `${root}/${dir}/${OPTIMIZER_JSON}`, data: json(manifest) },
    { path: `${root}/${dir}/${OPTIMIZER_POWERS}`, data: json(powers) },
  );
  const full: CheckpointInfo = CheckpointInfoSchema.parse({
    ...info,
    ema: false,
    dir,
    writtenAt: new Date().toISOString(),
  });
  files.push({ path: `${root}/${RUN_FILES.checkpointLatest}`, data: json(full) });
  return files;
}
