/** Turns a config's `dataset` into training tensors. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { readIdxImages } from './idx';

const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data');

/** Datasets the repo carries, by name. */
export const BUILTIN_IDX: Record<
  string,
  { images: string; name: string; license: string; classNames: string[] }
> = {
  'fashion-mnist-test': {
    images: join(DATA_DIR, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'),
    name: 'Fashion-MNIST (test split, 10k)',
    license: 'MIT, Copyright 2017 Zalando SE',
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
  },
};

export interface Dataset {
  name: string;
  license?: string;
  /** Training examples, row-major: N points of `shape` [2] or images of [H, W, C] scaled to [-1, 1]. */
  values: Float32Array;
  /** Shape of one example. */
  shape: number[];
  count: number;
  kind: 'points' | 'image';
  /** Image shape (H, W, C) for image data. */
  imageShape?: [number, number, number];
}

/** The d2l chapter's A and b: real data is X·A + b with X ~ N(0, I). */
export const GAUSSIAN_A: [[number, number], [number, number]] = [
  [1, 2],
  [-0.1, 0.5],
];
export const GAUSSIAN_B: [number, number] = [1, 2];

/** Standard normal draws from a seeded PRNG (Box-Muller). */
export function normals(rng: seedrandom.PRNG, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng();
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
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

/** Copies the examples at `indices` into one batch (kept in JS memory: gathering from a large tensor is slow). */
export function batchValues(data: Dataset, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const size = data.shape.reduce((a, b) => a * b, 1);
  const buf = out ?? new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    buf.set(data.values.subarray(j * size, (j + 1) * size), i * size);
  }
  return buf;
}

export function loadDataset(dataset: string, seed: number, limit?: number): Dataset {
  if (dataset === 'gaussian2d') {
    const count = limit ? Math.min(limit, 1000) : 1000;
    return {
      name: 'gaussian2d (X·A + b, d2l.ai)',
      values: gaussianPoints(seed, count),
      shape: [2],
      count,
      kind: 'points',
    };
  }
  const builtin = BUILTIN_IDX[dataset];
  const path = builtin ? builtin.images : resolve(dataset);
  const idx = readIdxImages(path, limit);
  const scaled = new Float32Array(idx.pixels.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = idx.pixels[i]! / 127.5 - 1;
  return {
    name: builtin?.name ?? path,
    license: builtin?.license,
    values: scaled,
    shape: [idx.rows, idx.cols, 1],
    count: idx.count,
    kind: 'image',
    imageShape: [idx.rows, idx.cols, 1],
  };
}
