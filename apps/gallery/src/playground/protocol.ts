/** Messages between the playground page and its training worker. */
import type { BackendChoice, PlaygroundSettings } from './settings';

export type ToWorker =
  /** Where the page serves onnxruntime-web's files (its ort/ folder), for the compiled step. */
  | { type: 'runtime'; wasmPaths: string }
  | { type: 'reset'; settings: PlaygroundSettings }
  /** Train until paused, or until step `until` when given. */
  | { type: 'play'; until?: number }
  | { type: 'pause' }
  | { type: 'step' }
  /** One update alone (D's or G's, see Session.stepPhase) or one whole step with both. */
  | { type: 'phase'; which: 'D' | 'G' | 'both' }
  /** Slow motion: the next stage of the step being walked through (a new step after the last). */
  | { type: 'stage' }
  /** New objective and optimizer settings (and noise), applied to the run in progress. */
  | { type: 'tune'; settings: PlaygroundSettings }
  /** Every weight of G then D, flattened, answered with 'weights'. */
  | { type: 'weights'; id: number }
  /** Steps between two drawn snapshots (the speed control). */
  | { type: 'speed'; stepsPerDraw: number }
  /** G(z) for the given latents (count * latentDim values), answered with 'samples'. */
  | { type: 'sample'; id: number; latents: Float32Array }
  | { type: 'export'; id: number }
  /** The run folder as a tar archive, answered with 'archive'. */
  | { type: 'archive'; id: number };

/** Bounds of the drawn plane: [xMin, xMax, yMin, yMax]. */
export type Bounds = [number, number, number, number];

/** The evaluator's class coverage of image mode's generated samples, at a step. */
export interface CoverageReading {
  step: number;
  classesPresent: number;
  classes: number;
  /** Samples per predicted class. */
  histogram: number[];
  /** Samples classified. */
  count: number;
  /**
   * The same rule over confident predictions only (the classifier's top probability at least
   * `threshold`): an unsure image counts for no class. Untrained noise is sorted, unsurely, into one class.
   */
  confident: { threshold: number; histogram: number[]; classesPresent: number; count: number };
  /** Time the classifier took, in ms. */
  ms: number;
}

/** A stage of a step as slow motion walks it. */
export const STAGES = ['generate', 'classify', 'loss', 'gradients', 'update'] as const;
export type StageName = (typeof STAGES)[number];

/** What one stage of the step being walked shows. */
export interface StageView {
  /** D's update (the first half of a step) or G's (the second). */
  phase: 'D' | 'G';
  stage: StageName;
  /** This stage's place in the walk of the step (0-based), and the stages it has (5, or 10 with G's). */
  index: number;
  total: number;
  /** The step walked through (1-based, as the step counter reads after it). */
  step: number;
  /** The batch: real points (D's phase) and G's points for the step's latents (x, y pairs). */
  real: Float32Array;
  fake: Float32Array;
  /** D's belief on them (classify). */
  dReal?: Float32Array;
  dFake?: Float32Array;
  /** The phase's loss (loss and later stages). */
  loss?: number;
  /** D's phase: the size of D's gradient, ‖∂L_D/∂θ_D‖ (gradients). */
  gradNorm?: number;
  /** G's phase: −∂L_G/∂x at each of G's batch points (gradients). */
  gradients?: Float32Array;
  /** The walk of this step is over. */
  done: boolean;
}

/** Which of the data's modes (ring of 8, 5×5 grid) the generated points reach. */
export interface ModeCoverage {
  covered: number;
  total: number;
  /** Share of the generated points within `radius` of some mode's centre. */
  near: number;
  radius: number;
  count: number;
}

export interface Snapshot {
  /** Which views it feeds: 2-D mode's, or image mode's (then the points fields are empty). */
  kind: 'points' | 'images';
  step: number;
  /** Generator updates so far. */
  gSteps: number;
  /** Generated points for fixed latents (x, y pairs). */
  fake: Float32Array;
  /** D's belief on a `heatSize` x `heatSize` grid over the bounds, row 0 at the top. */
  heat: Float32Array;
  heatSize: number;
  /** Whether `heat` is a probability (cross-entropy losses) or a raw score to scale for display. */
  heatIsProbability: boolean;
  /** G's image of a `gridSize` x `gridSize` grid of latents (x, y pairs, row-major). */
  transport: Float32Array;
  gridSize: number;
  /** Mean losses and D's accuracy on real and fake since the last snapshot (NaN before any step). */
  lossD: number;
  lossG: number;
  accReal: number;
  accFake: number;
  /** The project's 2-D metrics of 1000 generated points against the real set. */
  frechet: number;
  gridJs: number;
  /** The bundled ring and grid: the modes the generated points reach. */
  modes?: ModeCoverage;
  /** −∂L_G/∂x at each generated point (x, y pairs): where G's next update moves it. */
  gradients?: Float32Array;
  /** The noise G reads, its size, and the span of the transport grid's latents ([−span, span]). */
  noise?: 'gaussian' | 'uniform';
  latentDim?: number;
  latentSpan?: number;
  /** Slow motion: the stage this snapshot shows. */
  stage?: StageView;
  /** The objective and optimizer the run trains with now (they can change while it runs). */
  training?: {
    loss: string;
    lrD: number;
    lrG: number;
    optimizer: string;
    beta1: number;
    dSteps: number;
    noise: string;
  };
  /** Mean and covariance of the generated points (shown for the d2l Gaussian). */
  mean: [number, number];
  cov: [number, number, number];
  stepsPerSecond: number;
  /** Image mode: G(z) for the grid's fixed latents (gridImages x H x W x 1 values in [-1, 1]). */
  images?: Float32Array;
  imageShape?: [number, number, number];
  /** Image mode: the latest class coverage (measured every few hundred steps). */
  coverage?: CoverageReading;
}

export type FromWorker =
  | {
      type: 'ready';
      /** The engine in use ('compiled', 'webgpu', or the TF.js backend 'wasm', 'webgl', 'cpu'), and its label. */
      backendName: Exclude<BackendChoice, 'auto'>;
      backend: string;
      backendNote: string;
      real: Float32Array;
      bounds: Bounds;
      /** The d2l targets b and AᵀA (row-major 2x2), for the d2l Gaussian only. */
      gaussianTarget: { mean: number[]; cov: number[] } | null;
      snapshot: Snapshot;
      /** Image mode: real images for the grid beside the generated one, and how many train. */
      realImages?: Float32Array;
      imageCount?: number;
    }
  | { type: 'snapshot'; snapshot: Snapshot; playing: boolean }
  | { type: 'samples'; id: number; points: Float32Array }
  | { type: 'weights'; id: number; values: Float32Array }
  | { type: 'exported'; id: number; bytes: Uint8Array; metadata: Record<string, string> }
  | { type: 'archive'; id: number; bytes: Uint8Array; name: string }
  | { type: 'error'; message: string; id?: number };
