/** What train() takes, says while it runs, and returns. */
import { type ExportLag, type MetricsRecord, UserError } from '@ganforge/contracts';
import type { TrainConfig } from '../config/config';
import type { DecodeProgress } from '../data/folder-cache';
import type { Examples } from '../data/types';
import type { EngineName, ProfileRow } from '../engine/types';
import type { GaussianEstimate } from '../eval/estimate';
import type { BackendName, tf } from '../kernels/backend';

/** Running means since the start of the epoch, read every few steps. */
export interface RunningFigures {
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
  examplesPerSec: number;
  /** With augmentation: p, and the overfitting signal r_t of the last interval (gan/ada.ts). */
  augmentP?: number;
  overfitSignal?: number;
}

export type TrainEvent =
  | {
      status: 'start';
      runDir: string;
      backend: BackendName;
      /** What runs the steps, and why it is not the compiled engine when it is not. */
      engine: EngineName;
      engineNote?: string;
      /** The compiled step's execution provider, and what runs elsewhere than asked. */
      device?: string;
      deviceNote?: string;
      dataset: string;
      examples: number;
      /** Where the examples are read from: memory, or (a folder over --data-memory-mb) disk; their size. */
      data: { where: Examples['where']; bytes: number };
      stepsPerEpoch: number;
      config: TrainConfig;
      /** Set when continuing a run: where it continues from. */
      resumedAt?: { epoch: number; step: number };
    }
  | {
      /** An image folder decoding into its cache, before the run starts (after each saved piece). */
      status: 'decode';
      dataset: string;
      progress: DecodeProgress;
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
  /**
   * Aborting stops after the current step; a checkpoint and the state are still written. While an
   * image folder decodes, it stops the decode after the piece in hand (DecodeStopped), kept for the next run.
   */
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
   * record under `extra` (e.g. evaluation scores). With `epochFilesEvery` above 1 only the epochs that
   * write files (and those `evalEvery` scores) checkpoint, so only they call it.
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
  /** The run's generator.onnx, when it was exported at an earlier step than the run ends at. */
  staleExport?: ExportLag;
}

/** Training cannot go on (e.g. the loss became NaN); the message says what to do. */
export class TrainingError extends UserError {
  override name = 'TrainingError';
}
