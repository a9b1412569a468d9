/**
 * The run folder's files as the loop writes them: the folder itself (new, or the one a resume
 * continues), config.json and the real points at the start, the loss curve every few steps, and at
 * each epoch's end the metrics record, the loss plot, the model card and the saved models. Checkpoints
 * are run/checkpoint.ts's; sample pictures outputs/samples.ts's.
 */
import {
  accessSync,
  appendFileSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  type CurvePoint,
  FileWriteError,
  foreignEntries,
  lockRunDir,
  type MetricsRecord,
  type ModelCard,
  removeRunEntries,
  RUN_FILES,
  RunDir,
  RunDirError,
  writeFailure,
  writeFileAtomic,
} from '@ganforge/contracts';
import {
  checkCombination,
  DEFAULTS,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from '../config/config';
import { ConfigError } from '../config/errors';
import { pointsFilePath } from '../data/datasets';
import { isPointsFile } from '../data/points2d';
import type { tf } from '../kernels/backend';
import { lossCurvePng } from '../outputs/plots';
import { FileModelIO } from '../run/model-io';
import type { TrainOptions } from './types';

/** Keys a resumed run may change; anything else would not be the same run. */
const RESUME_OVERRIDABLE = [
  'epochs',
  'checkpointEvery',
  'epochFilesEvery',
  'backend',
  'engine',
  'threads',
  'spin',
  'provider',
  'lrD',
  'lrG',
  'maxMinutes',
  'dataMemoryMb',
] as const;

/** Keys added after runs were first written: a config.json without them had them off. */
const ADDED_KEYS = ['augment', 'augmentP', 'augmentTarget', 'augmentSpeed', 'r1', 'r1Every'] as const;

/** The config of a run to continue: its config.json, with only the keys a resume may change overridden. */
export function resumeConfig(runDir: string, overrides: ConfigOverrides = {}): TrainConfig {
  const run = new RunDir(runDir);
  if (!existsSync(run.path(RUN_FILES.config))) {
    throw new RunDirError(
      `cannot resume ${run.root}: no ${RUN_FILES.config} there (is it a GANForge run directory?)`,
    );
  }
  const changed = Object.keys(overrides).filter(
    (k) => k !== 'out' && !(RESUME_OVERRIDABLE as readonly string[]).includes(k),
  );
  if (changed.length > 0) {
    throw new ConfigError(
      `--resume continues a run with its own config; ${changed.map((k) => `--${k}`).join(', ')} cannot change (only ${RESUME_OVERRIDABLE.join(', ')} can)`,
    );
  }
  const added = Object.fromEntries(ADDED_KEYS.map((k) => [k, DEFAULTS[k]]));
  const parsed = TrainConfigSchema.safeParse({ ...added, ...run.readConfig(), ...overrides, out: run.root });
  if (!parsed.success) {
    throw new ConfigError(
      `${run.path(RUN_FILES.config)} is not a valid config: ${parsed.error.issues[0]?.message}`,
    );
  }
  checkCombination(parsed.data);
  return parsed.data;
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function defaultRunDir(config: TrainConfig, workspaceRoot: string): string {
  return join(workspaceRoot, 'runs', `${config.preset}-${timestamp()}`);
}

/**
 * Refuses an --out that cannot become a run folder before any work starts: a file, or a place on a
 * read-only disk or without write permission (the nearest existing folder is asked, so the error gives
 * the real cause rather than what a recursive mkdir reports).
 */
function assertWritableFolder(root: string): void {
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new RunDirError(`--out ${root} is a file, not a folder: pass a folder path for the run`);
  }
  let nearest = root;
  while (!existsSync(nearest)) nearest = dirname(nearest);
  if (!statSync(nearest).isDirectory()) {
    throw new RunDirError(
      `--out ${root} is inside ${nearest}, which is a file: pass a folder path for the run`,
    );
  }
  try {
    accessSync(nearest, constants.W_OK);
  } catch (e) {
    throw writeFailure(root, e);
  }
}

/**
 * What --overwrite may delete: a GANForge run, i.e. a state.json that reads as one and nothing in the
 * folder but the run's own files (a user's file in it is never deleted with the run).
 */
function assertReplaceableRun(run: RunDir): void {
  const refuse = (why: string) =>
    new RunDirError(
      `--overwrite replaces only a GANForge run, and ${run.root} ${why}: move that away or pass another --out (nothing was deleted)`,
    );
  try {
    run.readState();
  } catch (e) {
    throw refuse(`has a ${RUN_FILES.state} that is not a GANForge run's state (${(e as Error).message})`);
  }
  const foreign = foreignEntries(run.root);
  if (foreign.length > 0) {
    throw refuse(
      `holds ${foreign.join(', ')}, which ${foreign.length > 1 ? 'are' : 'is'} no part of a GANForge run`,
    );
  }
}

/** True when the folder holds nothing but (possibly) its lock. */
const isEmptyRunDir = (run: RunDir) =>
  !existsSync(run.root) || readdirSync(run.root).every((name) => name === RUN_FILES.lock);

/** A run folder opened for training, and its lock; release() also removes a folder it made that is still empty. */
export interface OpenRunDir {
  run: RunDir;
  release(): void;
}

/** A new run's folder, locked: empty, or a previous run there replaced (--overwrite). */
function prepareRunDir(path: string, overwrite: boolean): OpenRunDir {
  const run = new RunDir(path);
  assertWritableFolder(run.root);
  const replace = overwrite && existsSync(run.path(RUN_FILES.state));
  if (replace) assertReplaceableRun(run);
  else if (!isEmptyRunDir(run)) throw notEmpty(run);
  let made: string | undefined;
  try {
    made = mkdirSync(run.root, { recursive: true });
  } catch (e) {
    throw writeFailure(run.root, e);
  }
  // Locked before anything is deleted: a run still training there is refused, not replaced.
  const lock = lockRunDir(run.root);
  const release = () => {
    lock.release();
    // A run that failed before writing anything leaves no folder behind.
    if (made && isEmptyRunDir(run)) rmSync(made, { recursive: true, force: true });
  };
  try {
    if (replace) removeRunEntries(run.root);
    if (!isEmptyRunDir(run)) throw notEmpty(run);
  } catch (e) {
    release();
    throw writeFailure(run.root, e);
  }
  return { run, release };
}

const notEmpty = (run: RunDir) =>
  new RunDirError(
    `run directory ${run.root} already exists and is not empty: pass another --out, or --resume ${run.root} to continue it (nothing was overwritten)`,
  );

/**
 * The run's folder, locked for this trainer (one writer per run: see lockRunDir): the one a resume
 * continues, else a new (empty or --overwrite) one.
 */
export function openRunDir(config: TrainConfig, options: TrainOptions): OpenRunDir {
  const root = options.workspaceRoot ?? process.cwd();
  if (options.resume) {
    const run = new RunDir(resolve(root, config.out!));
    try {
      return { run, release: lockRunDir(run.root).release };
    } catch (e) {
      // A run continues in its own folder: another --out is no remedy.
      if (e instanceof FileWriteError && ['EROFS', 'EACCES', 'EPERM'].includes(e.code)) {
        throw new RunDirError(
          `cannot resume ${run.root}: ${e.code === 'EROFS' ? 'it is on a read-only file system' : 'it is not writable'}, and a run continues in its own folder; copy it to a writable place and resume the copy`,
        );
      }
      throw e;
    }
  }
  return prepareRunDir(
    config.out ? resolve(root, config.out) : defaultRunDir(config, root),
    options.overwrite ?? false,
  );
}

/** A new run's config.json (a points file given relative to where it started made absolute) and real points. */
export function writeRunStart(
  run: RunDir,
  config: TrainConfig,
  options: TrainOptions,
  realPoints: [number, number][] | undefined,
): void {
  const dataset = isPointsFile(config.dataset)
    ? pointsFilePath(config.dataset, options.workspaceRoot ?? process.cwd())
    : config.dataset;
  run.writeConfig({ ...config, dataset, out: run.root });
  if (realPoints) run.writeRealPoints(realPoints);
}

/** A resumed run's epoch records up to its checkpoint's epoch, and the wall time it had trained. */
export function resumedRecords(
  run: RunDir,
  epoch: number,
): { metrics: MetricsRecord[]; wallTimeSec: number } {
  const all = run.readMetrics();
  const metrics = all.filter((m) => m.epoch <= epoch);
  // A time budget's record of a part epoch: that epoch is continued now and recorded whole.
  if (metrics.length < all.length) run.writeMetrics(metrics);
  let wallTimeSec = 0;
  try {
    wallTimeSec = run.readState().wallTimeSec;
  } catch {
    wallTimeSec = 0;
  }
  return { metrics, wallTimeSec };
}

export function appendCurvePoint(run: RunDir, point: CurvePoint): void {
  const path = run.path(RUN_FILES.curve);
  try {
    appendFileSync(path, JSON.stringify(point) + '\n');
  } catch (e) {
    throw writeFailure(path, e);
  }
}

/** An epoch's record into metrics.jsonl, the loss plot over every record so far, and the model card. */
export async function writeEpochFiles(
  run: RunDir,
  record: MetricsRecord,
  metrics: MetricsRecord[],
  plot: { title: string; stepsPerEpoch: number },
  card: ModelCard,
): Promise<void> {
  await run.appendMetrics(record);
  writeFileAtomic(
    run.path(RUN_FILES.losses),
    await lossCurvePng(run.readCurve(), metrics, plot.title, undefined, undefined, plot.stepsPerEpoch),
  );
  run.writeModelCard(card);
}

/** The models a run folder shows and exports: generator/ (the EMA copy when there is one) and discriminator/. */
export async function saveRunModels(
  run: RunDir,
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
): Promise<void> {
  await generator.save(new FileModelIO(run.path(RUN_FILES.generatorDir)));
  await discriminator.save(new FileModelIO(run.path(RUN_FILES.discriminatorDir)));
}
