/**
 * train(): the training loop, top to bottom. A run (training.ts) is opened — run directory, data,
 * models, the engine that runs its steps (src/engine: the compiled onnxruntime step or TF.js) —
 * then epochs run until the last one, Ctrl-C/SIGTERM or the time budget, and the run is finished.
 * Progress goes out as typed events (the CLI turns them into bars and lines).
 */
import { existsSync } from 'node:fs';
import type { BackendName, tf } from './backend';
import {
  checkCombination,
  ConfigError,
  TrainConfigSchema,
  type ConfigOverrides,
  type TrainConfig,
} from './config';
import type { EngineName, ProfileRow } from './engine';
import type { GaussianEstimate } from './estimate';
import { type MetricsRecord, RUN_FILES, RunDir, RunDirError } from '@ganforge/contracts';
import { TrainingRun } from './training';

export { defaultRunDir, TrainingError } from './training';

/** Running means since the start of the epoch, read every few steps. */
export interface RunningFigures {
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
  examplesPerSec: number;
}

export type TrainEvent =
  | {
      status: 'start';
      runDir: string;
      backend: BackendName;
      /** What runs the steps, and why it is not the compiled engine when it is not. */
      engine: EngineName;
      engineNote?: string;
      dataset: string;
      examples: number;
      stepsPerEpoch: number;
      config: TrainConfig;
      /** Set when continuing a run: where it continues from. */
      resumedAt?: { epoch: number; step: number };
    }
  | {
      status: 'step';
      epoch: number;
      stepInEpoch: number;
      stepsPerEpoch: number;
      step: number;
      /** Present on the steps where the figures were read back (every few steps). */
      running?: RunningFigures;
    }
  | { status: 'checkpoint'; dir: string; step: number }
  | { status: 'epoch'; record: MetricsRecord; epochs: number }
  | { status: 'done'; result: TrainResult };

/** What an epoch-end hook gets: the generator used for samples (the EMA copy when there is one). */
export interface EpochContext {
  epoch: number;
  step: number;
  runDir: string;
  config: TrainConfig;
  generator: tf.LayersModel;
  classNames?: string[];
  /** The run ends after this (a time budget ended it before its last epoch). */
  final?: boolean;
}

export interface TrainOptions {
  onEvent?: (event: TrainEvent) => void;
  /** Aborting stops after the current step; a checkpoint and the state are still written. */
  signal?: AbortSignal;
  /** Milliseconds clock behind wall time and --maxMinutes (default performance.now). */
  clock?: () => number;
  /** Base for the default run directory (runs/ under it). */
  workspaceRoot?: string;
  /** Replace an existing run directory instead of refusing to touch it. */
  overwrite?: boolean;
  /** Continue the run in `config.out` from its latest checkpoint (see resumeConfig). */
  resume?: boolean;
  /**
   * Called after each epoch's checkpoint; numbers it returns are stored in that epoch's metrics
   * record under `extra` (e.g. evaluation scores).
   */
  onEpochEnd?: (ctx: EpochContext) => Promise<Record<string, number> | void>;
  /** Profile the compiled step (TrainResult.profile: time per operator type). */
  profile?: boolean;
}

export interface TrainResult {
  runDir: string;
  backend: BackendName;
  engine: EngineName;
  epochsCompleted: number;
  steps: number;
  interrupted: boolean;
  /** True when --maxMinutes ended the run before its last epoch. */
  budgetReached: boolean;
  wallTimeSec: number;
  metrics: MetricsRecord[];
  /** The latest checkpoint folder (what --resume continues from). */
  checkpoint?: string;
  /** 2-D runs: the d2l mean/covariance read-out over `evalSamples` generated points. */
  estimate?: GaussianEstimate;
  /** With options.profile and the compiled engine: where the steps' time went. */
  profile?: ProfileRow[];
}

/** Keys a resumed run may change; anything else would not be the same run. */
const RESUME_OVERRIDABLE = [
  'epochs',
  'checkpointEvery',
  'backend',
  'engine',
  'threads',
  'provider',
  'lrD',
  'lrG',
  'maxMinutes',
] as const;

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
  const parsed = TrainConfigSchema.safeParse({ ...run.readConfig(), ...overrides, out: run.root });
  if (!parsed.success) {
    throw new ConfigError(
      `${run.path(RUN_FILES.config)} is not a valid config: ${parsed.error.issues[0]?.message}`,
    );
  }
  checkCombination(parsed.data);
  return parsed.data;
}

export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  if (options.resume && !config.out) throw new ConfigError('resuming needs the run directory (config.out)');
  const t = await TrainingRun.open(config, options);
  try {
    t.begin();
    const first = t.epochsCompleted + 1;
    for (let epoch = first; epoch <= config.epochs && !t.interrupted && !t.budgetReached; epoch++) {
      const rngState = t.rngState();
      const skip = epoch === first ? t.resumeAt.stepInEpoch : 0;
      const tally = await t.runEpoch(epoch, skip, rngState);
      if (t.interrupted) {
        await t.keepInterrupted(epoch, tally, skip, rngState);
      } else if (t.budgetReached) {
        // A time budget is a normal end: the epoch so far is recorded, shown and scored.
        if (tally.stepsThisRun > 0) await t.endEpoch(epoch, tally, { skip, rngState });
      } else {
        await t.endEpoch(epoch, tally);
      }
    }
    return await t.finish();
  } catch (e) {
    t.fail(e as Error);
    throw e;
  } finally {
    t.dispose();
  }
}
