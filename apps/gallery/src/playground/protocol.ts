/** Messages between the playground page and its training worker. */
import type { BackendChoice, PlaygroundSettings } from './settings';

export type ToWorker =
  | { type: 'reset'; settings: PlaygroundSettings }
  /** Train until paused, or until step `until` when given. */
  | { type: 'play'; until?: number }
  | { type: 'pause' }
  | { type: 'step' }
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
  /** Time the classifier took, in ms. */
  ms: number;
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
      /** The backend in use ('wasm', 'webgl' or 'cpu'), and its label for people. */
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
  | { type: 'exported'; id: number; bytes: Uint8Array; metadata: Record<string, string> }
  | { type: 'archive'; id: number; bytes: Uint8Array; name: string }
  | { type: 'error'; message: string; id?: number };
