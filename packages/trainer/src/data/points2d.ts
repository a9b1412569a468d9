/**
 * The 2-D point datasets, free of Node modules so the browser playground trains on the very same data:
 * the d2l chapter's X·A + b, a ring of 8 Gaussians, a 5x5 grid of Gaussians, two moons, a line, and
 * points a user drew. Every generator is seeded and returns `count` rows of (x, y), row-major.
 */
import seedrandom from 'seedrandom';
import { UserError } from '@ganforge/contracts/errors';
import { normalsFrom } from '@ganforge/inference/random';

export class PointsError extends UserError {
  override name = 'PointsError';
}

/** The d2l chapter's A and b: real data is X·A + b with X ~ N(0, I). */
export const GAUSSIAN_A: [[number, number], [number, number]] = [
  [1, 2],
  [-0.1, 0.5],
];
export const GAUSSIAN_B: [number, number] = [1, 2];

/** `n` standard normal draws from a seeded PRNG: the SDK's Box-Muller sampler over its uniforms. */
export function normals(rng: seedrandom.PRNG, n: number): Float32Array {
  return Float32Array.from({ length: n }, normalsFrom(rng));
}

export function gaussianPoints(seed: number, count = 1000): Float32Array {
  const rng = seedrandom.alea(`gaussian2d:${seed}`);
  const x = normals(rng, count * 2);
  const out = new Float32Array(count * 2);
  const [[a00, a01], [a10, a11]] = GAUSSIAN_A;
  for (let i = 0; i < count; i++) {
    const x0 = x[2 * i]!;
    const x1 = x[2 * i + 1]!;
    out[2 * i] = x0 * a00 + x1 * a10 + GAUSSIAN_B[0];
    out[2 * i + 1] = x0 * a01 + x1 * a11 + GAUSSIAN_B[1];
  }
  return out;
}

/** Points around `centres` (taken in turn), each with isotropic noise of `std`. */
function mixture(name: string, seed: number, count: number, centres: [number, number][], std: number) {
  const rng = seedrandom.alea(`${name}:${seed}`);
  const noise = normals(rng, count * 2);
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const [cx, cy] = centres[i % centres.length]!;
    out[2 * i] = cx + std * noise[2 * i]!;
    out[2 * i + 1] = cy + std * noise[2 * i + 1]!;
  }
  return out;
}

/** Eight Gaussians (std 0.05) evenly on a circle of radius 2: the classic mode-collapse test. */
export function ringPoints(seed: number, count = 1000): Float32Array {
  const centres = Array.from({ length: 8 }, (_, k): [number, number] => {
    const a = (2 * Math.PI * k) / 8;
    return [2 * Math.cos(a), 2 * Math.sin(a)];
  });
  return mixture('ring8', seed, count, centres, 0.05);
}

/** A 5x5 grid of Gaussians (std 0.05) at -2, -1, 0, 1, 2 on each axis. */
export function gridPoints(seed: number, count = 1000): Float32Array {
  const centres: [number, number][] = [];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) centres.push([i - 2, j - 2]);
  return mixture('grid25', seed, count, centres, 0.05);
}

/** Two interleaved half circles (radius 1) with noise of std 0.05, centred on the origin. */
export function moonsPoints(seed: number, count = 1000): Float32Array {
  const rng = seedrandom.alea(`moons:${seed}`);
  const noise = normals(rng, count * 2);
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const t = Math.PI * rng();
    const upper = i % 2 === 0;
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    out[2 * i] = x - 0.5 + 0.05 * noise[2 * i]!;
    out[2 * i + 1] = y - 0.25 + 0.05 * noise[2 * i + 1]!;
  }
  return out;
}

/** Points spread evenly along the segment from (-2, -1) to (2, 1), with noise of std 0.02 across it. */
export function linePoints(seed: number, count = 1000): Float32Array {
  const rng = seedrandom.alea(`line:${seed}`);
  const noise = normals(rng, count);
  const out = new Float32Array(count * 2);
  const len = Math.hypot(1, 2);
  for (let i = 0; i < count; i++) {
    const t = rng() * 2 - 1;
    // Along (2, 1), plus noise along the normal (-1, 2) / |(-1, 2)|.
    const across = (0.02 * noise[i]!) / len;
    out[2 * i] = 2 * t - across;
    out[2 * i + 1] = t + 2 * across;
  }
  return out;
}

/** Most points a drawing may hold (a batch is sampled from them; more adds nothing but memory). */
export const MAX_DRAWN_POINTS = 5000;

/**
 * A user's drawing as a dataset: the strokes' points, each repeated with small noise (std `jitter`)
 * until there are `count`, so a few clicks still make a distribution with some spread.
 */
export function drawnPoints(
  points: ArrayLike<number>,
  seed: number,
  count = 1000,
  jitter = 0.03,
): Float32Array {
  if (points.length % 2 !== 0) {
    throw new PointsError(`drawn data must be (x, y) pairs; got ${points.length} numbers`);
  }
  const n = points.length / 2;
  if (n < 2) throw new PointsError(`draw at least 2 points to train on (got ${n})`);
  if (n > MAX_DRAWN_POINTS) throw new PointsError(`draw at most ${MAX_DRAWN_POINTS} points (got ${n})`);
  for (let i = 0; i < points.length; i++) {
    const v = points[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > 100) {
      throw new PointsError(
        `drawn point ${Math.floor(i / 2) + 1} has coordinate ${v}: coordinates must be finite numbers within ±100`,
      );
    }
  }
  const rng = seedrandom.alea(`drawn:${seed}`);
  const noise = normals(rng, count * 2);
  const out = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const j = i % n;
    out[2 * i] = points[2 * j]! + jitter * noise[2 * i]!;
    out[2 * i + 1] = points[2 * j + 1]! + jitter * noise[2 * i + 1]!;
  }
  return out;
}

export type PointDatasetName = 'gaussian2d' | 'ring8' | 'grid25' | 'moons' | 'line';

/** The built-in 2-D datasets by name, with a label for people. */
export const POINT_DATASETS: Record<
  PointDatasetName,
  { label: string; make: (seed: number, count?: number) => Float32Array }
> = {
  gaussian2d: { label: 'd2l Gaussian (X·A + b)', make: gaussianPoints },
  ring8: { label: 'Ring of 8 Gaussians', make: ringPoints },
  grid25: { label: '5×5 grid of Gaussians', make: gridPoints },
  moons: { label: 'Two moons', make: moonsPoints },
  line: { label: 'A line', make: linePoints },
};

/** Whether a `dataset` names 2-D points: a bundled set above, or a points file (.json or .csv). */
export function isPointsDataset(dataset: string): boolean {
  return Object.hasOwn(POINT_DATASETS, dataset) || isPointsFile(dataset);
}

/** A points file: a path ending in .json or .csv (rows of x, y). */
export function isPointsFile(dataset: string): boolean {
  return /\.(json|csv)$/i.test(dataset);
}
