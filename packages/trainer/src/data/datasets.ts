/** Turns a config's `dataset` into training tensors. */
import type { TrainConfig } from '../config/config';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatasetError, labelClasses, readIdxImages, readIdxLabels } from './idx';
import { loadImageFolder, resizeImages } from './folder';
import { exampleSize, inMemory } from './examples';
import type { DecodeProgress } from './folder-cache';
import { isEmojiDataset, loadEmoji } from './emoji';
import { isPointsFile, POINT_DATASETS, type PointDatasetName } from './points2d';
import { readPointsFile } from './points-file';
import { PACKAGE_DIR } from './package-dir';
import type { Dataset, InMemoryDataset } from './types';

const DATA_DIR = join(PACKAGE_DIR, 'data');

/** Fashion-MNIST's label order (the IDX label file stores the index). */
export const FASHION_CLASSES = [
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
];

/** Datasets the repo carries, by name. */
export const BUILTIN_IDX: Record<
  string,
  { images: string; labels: string; name: string; license: string; classNames: string[] }
> = {
  'fashion-mnist-test': {
    images: join(DATA_DIR, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'),
    labels: join(DATA_DIR, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'),
    name: 'Fashion-MNIST (test split, 10k)',
    license: 'MIT, Copyright 2017 Zalando SE',
    classNames: FASHION_CLASSES,
  },
};

/** The dataset settings of a config. */
export interface DataOptions {
  dataset: string;
  labels?: string;
  limit?: number;
  imageSize?: number;
  channels: 'auto' | 'grayscale' | 'rgb';
  seed: number;
  /** Load the labels (conditional models); an error when there are none. */
  needLabels?: boolean;
  /** Where a relative points-file path resolves (a resumed run's folder; default the current directory). */
  baseDir?: string;
  /**
   * MiB of decoded images an image folder may hold in memory; a larger one is read from its decoded
   * cache on disk a batch at a time (default: every dataset in memory).
   */
  memoryMb?: number;
  /** Stops an image folder's decode after the piece in hand (DecodeStopped; the next load continues it). */
  signal?: AbortSignal;
  /** How an image folder's decode is getting on. */
  onProgress?: (p: DecodeProgress) => void;
}

/** The data keys of a run's config as loadDataset takes them (the training run and dump-dataset). */
export function datasetOptions(
  config: Pick<TrainConfig, 'dataset' | 'labels' | 'limit' | 'imageSize' | 'channels' | 'seed'>,
): DataOptions & { memoryMb?: undefined } {
  const { dataset, labels, limit, imageSize, channels, seed } = config;
  return { dataset, labels, limit, imageSize, channels, seed };
}

/** Points the bundled 2-D sets make (the playground's real set is the same 1000). */
export const POINT_COUNT = 1000;

/** Where a points-file `dataset` lies: absolute as given, else under `baseDir`. */
export function pointsFilePath(dataset: string, baseDir?: string): string {
  return resolve(baseDir ?? process.cwd(), dataset);
}

/** The label file MNIST-style naming puts next to an image file, if it exists. */
export function siblingLabelFile(imagesPath: string): string | undefined {
  const candidate = imagesPath.replace('images-idx3', 'labels-idx1').replace('images.idx3', 'labels.idx1');
  return candidate !== imagesPath && existsSync(candidate) ? candidate : undefined;
}

/**
 * Copies the examples at `indices` into one batch of floats, bytes scaled to [-1, 1], from memory or
 * from disk as the dataset keeps them (kept in JS memory: gathering from a large tensor is slow).
 */
export function batchValues(data: Dataset, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const buf = out ?? new Float32Array(indices.length * exampleSize(data));
  data.examples.read(indices, buf);
  return buf;
}

/** Without a memory budget every dataset is held in memory; with one, a large image folder streams. */
export function loadDataset(opts: DataOptions & { memoryMb?: undefined }): Promise<InMemoryDataset>;
export function loadDataset(opts: DataOptions): Promise<Dataset>;
export async function loadDataset(opts: DataOptions): Promise<Dataset> {
  const { dataset, limit } = opts;
  if (Object.hasOwn(POINT_DATASETS, dataset)) {
    if (opts.needLabels) throw new DatasetError(`the ${dataset} dataset has no classes`);
    // Seeded by the run's seed, as the playground seeds them: the same seed gives the same points.
    const count = limit ? Math.min(limit, POINT_COUNT) : POINT_COUNT;
    const set = POINT_DATASETS[dataset as PointDatasetName];
    return inMemory({
      name: dataset === 'gaussian2d' ? 'gaussian2d (X·A + b, d2l.ai)' : `${dataset} (${set.label})`,
      values: set.make(opts.seed, count),
      shape: [2],
      count,
      kind: 'points',
    });
  }
  if (isPointsFile(dataset)) {
    if (opts.needLabels) throw new DatasetError(`the points file ${dataset} has no classes`);
    const path = pointsFilePath(dataset, opts.baseDir);
    const all = readPointsFile(path);
    const count = limit ? Math.min(limit, all.length / 2) : all.length / 2;
    return inMemory({
      name: `points file ${path}`,
      values: all.slice(0, count * 2),
      shape: [2],
      count,
      kind: 'points',
    });
  }
  if (isEmojiDataset(dataset)) {
    return loadEmoji({ dataset, limit, size: opts.imageSize, rgb: opts.channels !== 'grayscale' });
  }
  const builtin = BUILTIN_IDX[dataset];
  const path = builtin ? builtin.images : resolve(dataset);
  const ds =
    !builtin && existsSync(path) && statSync(path).isDirectory()
      ? await loadImageFolder(path, {
          size: opts.imageSize ?? 64,
          rgb: opts.channels !== 'grayscale',
          limit,
          ...(opts.memoryMb !== undefined ? { memoryMb: opts.memoryMb } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        })
      : await loadIdx(path, opts);
  if (opts.needLabels && !ds.labels) {
    throw new DatasetError(
      `a conditional model needs class labels and ${path} has none: pass --labels=<IDX label file>, or use a folder with one subfolder per class`,
    );
  }
  return ds;
}

/** An IDX image file (a bundled one by name), with its labels when asked for, sized and coloured as asked. */
async function loadIdx(path: string, opts: DataOptions): Promise<InMemoryDataset> {
  const builtin = BUILTIN_IDX[opts.dataset];
  const idx = readIdxImages(path, opts.limit);
  const scaled = new Float32Array(idx.pixels.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = idx.pixels[i]! / 127.5 - 1;
  const ds: Omit<InMemoryDataset, 'examples'> = {
    name: builtin?.name ?? path,
    license: builtin?.license,
    values: scaled,
    shape: [idx.rows, idx.cols, idx.channels],
    count: idx.count,
    kind: 'image',
    imageShape: [idx.rows, idx.cols, idx.channels],
  };
  const labelPath = opts.labels ? resolve(opts.labels) : (builtin?.labels ?? siblingLabelFile(path));
  if (opts.labels || (opts.needLabels && labelPath)) {
    // Checked as given, before --limit: a label file for other images must not pass because the
    // first `limit` happen to line up.
    const all = readIdxLabels(labelPath!);
    if (all.length !== idx.total) {
      throw new DatasetError(
        `${labelPath} has ${all.length} labels but ${path} has ${idx.total} images: pass the label file that belongs to these images`,
      );
    }
    const classes = labelClasses(labelPath!, all);
    const labels = all.subarray(0, idx.count);
    ds.labels = Int32Array.from(labels);
    ds.classNames =
      builtin?.classNames ??
      (/fashion/i.test(path) && classes === 10
        ? FASHION_CLASSES
        : Array.from({ length: classes }, (_, i) => String(i)));
  }
  // The generator's channels and size follow the data (a 4-D file's own channels under 'auto');
  // convert when asked for another shape.
  const channels = opts.channels === 'rgb' ? 3 : opts.channels === 'grayscale' ? 1 : idx.channels;
  const resize = opts.imageSize && (opts.imageSize !== idx.rows || opts.imageSize !== idx.cols);
  if (resize || channels !== idx.channels) {
    if (idx.channels !== 1 && idx.channels !== 3) {
      throw new DatasetError(`${path} has ${idx.channels} channels per pixel: only 1 or 3 convert`);
    }
    const size = opts.imageSize ?? idx.rows;
    ds.values = await resizeImages(scaled, ds.count, ds.imageShape!, size, channels as 1 | 3);
    ds.shape = [size, size, channels];
    ds.imageShape = [size, size, channels];
  }
  return inMemory(ds);
}
