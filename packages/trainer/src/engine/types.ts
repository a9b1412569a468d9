/**
 * The contract between the training loop and whatever runs a step. The loop owns data order, seeds,
 * schedules and the run directory; an engine owns the arithmetic of a step and the state it needs
 * between steps, and hands that state back to the TF.js models and optimizers on `sync()` (before
 * checkpoints, samples and saves), so everything on disk is engine-independent.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { OverfitSignal } from '../gan/ada';
import type { EpochSums } from './sums';

/** 'onnxruntime': the whole step compiled to one native graph; 'tfjs': TF.js ops, kernel by kernel. */
export type EngineName = 'onnxruntime' | 'tfjs';

export interface StepBatch {
  /** The real batch in TF.js layout ([B, ...shape] flattened, NHWC for images). */
  x: Float32Array;
  /** Class labels of the real batch (conditional models). */
  labels?: Int32Array;
  /** This step's seed: z, fake labels and instance noise derive from it. */
  seed: number;
  /** Whether G is updated after D in this step. */
  generatorStep: boolean;
  /** Std of the instance noise at this step (0: none). */
  noiseStd: number;
  /** With --augment: the probability each example is augmented at this step (gan/augment.ts). */
  augmentP?: number;
  /** Whether D's update adds the R1 penalty at this step (lazy R1: every r1Every-th step). */
  r1?: boolean;
}

export interface TrainEngine {
  readonly name: EngineName;
  /** Why the engine in use is not the compiled one, when it is not. */
  readonly note?: string;
  /** The compiled step's execution provider, as the run's first line names it ("CPU", "WebGPU (…)"). */
  readonly device?: string;
  /** One line on what does not run on the provider asked for (and runs on the CPU instead). */
  readonly deviceNote?: string | undefined;
  step(batch: StepBatch): Promise<void>;
  /** The running sums of its steps since the last `setSums` (reading may wait for the backend). */
  readSums(): Promise<EpochSums>;
  /**
   * Σ sign(score of D's output) over the real examples D's updates saw since the last call, and their
   * count (the overfitting signal of adaptive augmentation, gan/ada.ts); starts the count over.
   */
  takeSignal(): Promise<OverfitSignal>;
  /** Starts the sums over from `sums` (zeros at an epoch's start, a checkpoint's when one is resumed). */
  setSums(sums: EpochSums): void;
  /** Writes the engine's weights and optimizer state into the TF.js models and optimizers. */
  sync(): Promise<void>;
  /** Where the steps' time went, when the engine was created to profile. */
  profile?(): Promise<ProfileRow[]>;
  dispose(): void;
}

/** What every engine is built from (the loop's models, optimizers and settings). */
export interface EngineModels {
  generator: tfTypes.LayersModel;
  discriminator: tfTypes.LayersModel;
  /** EMA copy of G (same architecture), when the run keeps one. */
  ema?: tfTypes.LayersModel;
  optG: tfTypes.Optimizer;
  optD: tfTypes.Optimizer;
}

/** Time of one operator type over `runs` steps. */
export interface ProfileRow {
  op: string;
  ms: number;
  calls: number;
  runs: number;
}
