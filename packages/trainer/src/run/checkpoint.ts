/**
 * Checkpoints for resuming: models and optimizer state go into a fresh checkpoint/step-N/ folder, and
 * only once everything is on disk does checkpoint/latest.json (written atomically) point at it. A
 * write cut short therefore leaves latest.json on the previous, complete checkpoint.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { z } from 'zod';
import {
  CHECKPOINT_FILES,
  type CheckpointInfo,
  CheckpointInfoSchema,
  isLeftoverTemp,
  RUN_FILES,
  type RunDir,
  RunDirError,
  writeFileAtomic,
  writeJsonAtomic,
} from '@ganforge/contracts';
import {
  adamPowers,
  checkpointDirName,
  OPTIMIZER_BIN,
  OPTIMIZER_JSON,
  OPTIMIZER_POWERS,
  optimizerFiles,
} from './checkpoint-files';
import { FileModelIO } from './model-io';

/**
 * The powers as training leaves them after `iterations` steps: β once, then one float32 multiplication
 * per step. (TF.js's own setWeights computes pow(β, t + 1) in one go, which rounds differently at many
 * steps, e.g. for 0.999 at t = 2, 5 and 18 to 46, so a resumed run would drift from the uninterrupted one.)
 */
export function stepwisePowers(beta1: number, beta2: number, iterations: number): [number, number] {
  const b1 = Math.fround(beta1);
  const b2 = Math.fround(beta2);
  let p1 = b1;
  let p2 = b2;
  for (let i = 0; i < iterations; i++) {
    p1 = Math.fround(p1 * b1);
    p2 = Math.fround(p2 * b2);
  }
  return [p1, p2];
}

const PowersSchema = z.record(z.string(), z.tuple([z.number(), z.number()]));

const SavedTensorsSchema = z.array(
  z.object({
    optimizer: z.string(),
    name: z.string(),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.string(),
  }),
);

/** A checkpoint's JSON file, or an error that names it and says the checkpoint is damaged. */
function readSaved<T>(path: string, schema: z.ZodType<T>): T {
  const damaged = (why: string) =>
    new RunDirError(
      `${path} ${why}: the checkpoint is damaged; resume from a copy of the run or start again`,
    );
  if (!existsSync(path)) throw damaged('is missing');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw damaged('is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw damaged(`does not hold what the trainer writes (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/**
 * Removes what a killed run left behind: temporary files of dead writers anywhere in the run, and
 * checkpoint folders latest.json does not name (a write cut short). Called when a run resumes.
 */
export function sweepLeftovers(run: RunDir, keep: string): void {
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && isLeftoverTemp(entry.name)) rmSync(path, { force: true });
    }
  };
  walk(run.root);
  removeOtherCheckpoints(checkpointRoot(run), keep);
}

/** Removes every checkpoint folder under `root` but `keep`. */
function removeOtherCheckpoints(root: string, keep: string): void {
  for (const name of readdirSync(root)) {
    if (name !== keep && name.startsWith('step-')) rmSync(join(root, name), { recursive: true, force: true });
  }
}

export interface CheckpointModels {
  generator: tfTypes.LayersModel;
  discriminator: tfTypes.LayersModel;
  /** EMA copy of the generator, when the run keeps one. */
  ema?: tfTypes.LayersModel;
  optimizers: Record<string, tfTypes.Optimizer>;
}

export function checkpointRoot(run: RunDir): string {
  return run.path(RUN_FILES.checkpointDir);
}

export async function writeCheckpoint(
  run: RunDir,
  models: CheckpointModels,
  info: Omit<CheckpointInfo, 'dir' | 'writtenAt'>,
): Promise<string> {
  const root = checkpointRoot(run);
  const dirName = checkpointDirName(info.step);
  const dir = join(root, dirName);
  // A folder of this name not named by latest.json is the leftover of an interrupted write.
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  try {
    await models.generator.save(new FileModelIO(join(dir, 'generator')));
    await models.discriminator.save(new FileModelIO(join(dir, 'discriminator')));
    if (models.ema) await models.ema.save(new FileModelIO(join(dir, CHECKPOINT_FILES.emaGeneratorDir)));
    // The same bytes the browser's checkpointFiles makes (checkpoint-files.ts).
    const { manifest, bin, powers } = await optimizerFiles(models.optimizers);
    writeFileAtomic(join(dir, OPTIMIZER_BIN), bin);
    writeJsonAtomic(join(dir, OPTIMIZER_JSON), manifest);
    writeJsonAtomic(join(dir, OPTIMIZER_POWERS), powers);
    const full: CheckpointInfo = { ...info, dir: dirName, writtenAt: new Date().toISOString() };
    writeJsonAtomic(join(root, RUN_FILES.checkpointLatest), CheckpointInfoSchema.parse(full));
  } catch (e) {
    // A checkpoint cut short (a full disk) is not left half written beside the intact one.
    if (!isLatest(run, dirName)) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // Older checkpoints are superseded now that latest.json names this one.
  removeOtherCheckpoints(root, dirName);
  return dir;
}

/** Whether latest.json names the checkpoint folder `dirName`. */
function isLatest(run: RunDir, dirName: string): boolean {
  try {
    return readCheckpointInfo(run).dir === dirName;
  } catch {
    return false;
  }
}

/**
 * Where a run stopped by a failed write can continue from, for its error message: the checkpoint
 * latest.json names, when it is there and whole enough to name, else that there is none yet.
 */
export function resumableCheckpoint(run: RunDir): string {
  try {
    const info = readCheckpointInfo(run);
    const dir = join(checkpointRoot(run), info.dir);
    if (existsSync(dir)) {
      return `the last intact checkpoint is ${dir} (step ${info.step}, epoch ${info.epoch}): once there is room, continue with --resume ${run.root}`;
    }
  } catch {
    // No readable latest.json: nothing to resume.
  }
  return 'no checkpoint was written yet: once there is room, start the run again';
}

export function readCheckpointInfo(run: RunDir): CheckpointInfo {
  const path = join(checkpointRoot(run), RUN_FILES.checkpointLatest);
  if (!existsSync(path)) {
    throw new RunDirError(
      `${run.root} has no checkpoint to resume (${RUN_FILES.checkpointDir}/${RUN_FILES.checkpointLatest} is missing): was it written by this trainer, and did it get through one epoch or --checkpointEvery steps?`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunDirError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = CheckpointInfoSchema.safeParse(raw);
  if (!parsed.success)
    throw new RunDirError(`${path} has an unexpected shape: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Loads the models' weights and the optimizers' state of the latest checkpoint into `models`. */
export async function restoreCheckpoint(
  tf: typeof tfTypes,
  run: RunDir,
  models: CheckpointModels,
): Promise<CheckpointInfo> {
  const info = readCheckpointInfo(run);
  const dir = join(checkpointRoot(run), info.dir);
  if (!existsSync(dir)) {
    throw new RunDirError(
      `${join(checkpointRoot(run), RUN_FILES.checkpointLatest)} names ${info.dir}, which is missing: the checkpoint is damaged; resume from a copy of the run or start again`,
    );
  }
  sweepLeftovers(run, info.dir);
  const copy = async (name: string, into: tfTypes.LayersModel) => {
    const saved = await tf.loadLayersModel(new FileModelIO(join(dir, name)));
    try {
      const weights = saved.getWeights();
      const expected = into.getWeights();
      const same =
        weights.length === expected.length &&
        weights.every((w, i) => w.shape.join('x') === expected[i]!.shape.join('x'));
      if (!same) {
        throw new RunDirError(
          `the ${name} in ${dir} does not match the model this config builds: resume with the run's own config.json`,
        );
      }
      into.setWeights(weights);
    } finally {
      saved.dispose();
    }
  };
  await copy('generator', models.generator);
  await copy('discriminator', models.discriminator);
  if (models.ema) await copy(info.ema ? CHECKPOINT_FILES.emaGeneratorDir : 'generator', models.ema);

  const manifest = readSaved(join(dir, OPTIMIZER_JSON), SavedTensorsSchema);
  const binPath = join(dir, OPTIMIZER_BIN);
  const bin = existsSync(binPath) ? readFileSync(binPath) : undefined;
  const expected = manifest.reduce((n, m) => n + m.shape.reduce((a, b) => a * b, 1), 0);
  if (!bin || bin.byteLength !== expected * 4) {
    throw new RunDirError(
      `${binPath} ${bin ? `holds ${bin.byteLength} bytes where ${OPTIMIZER_JSON} describes ${expected * 4}` : 'is missing'}: the checkpoint is damaged; resume from a copy of the run or start again`,
    );
  }
  const floats = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  let offset = 0;
  const byOptimizer = new Map<string, { name: string; tensor: tfTypes.Tensor }[]>();
  for (const m of manifest) {
    const size = m.shape.reduce((a, b) => a * b, 1);
    const values = floats.subarray(offset, offset + size);
    offset += size;
    const tensor =
      m.dtype === 'int32'
        ? tf.tensor(Int32Array.from(values), m.shape, 'int32')
        : tf.tensor(values.slice(), m.shape, 'float32');
    const list = byOptimizer.get(m.optimizer) ?? [];
    list.push({ name: m.name, tensor });
    byOptimizer.set(m.optimizer, list);
  }
  const powersPath = join(dir, OPTIMIZER_POWERS);
  // Checkpoints written before the powers were saved lack the file: those are rebuilt step by step.
  const savedPowers = existsSync(powersPath) ? readSaved(powersPath, PowersSchema) : {};
  for (const [key, opt] of Object.entries(models.optimizers)) {
    const list = byOptimizer.get(key);
    if (list) {
      await opt.setWeights(list);
      tf.dispose(list.map((l) => l.tensor));
    }
    const adam = adamPowers(opt);
    if (adam && list) {
      const config = opt.getConfig();
      const [p1, p2] =
        savedPowers[key] ?? stepwisePowers(Number(config.beta1), Number(config.beta2), opt.iterations);
      tf.tidy(() => {
        adam.accBeta1.assign(tf.scalar(p1));
        adam.accBeta2.assign(tf.scalar(p2));
      });
    }
  }
  return info;
}
