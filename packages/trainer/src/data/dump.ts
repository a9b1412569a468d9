/**
 * A dataset exactly as a run trains on it, written out as an IDX file: the images `--dataset` (with
 * the run's `--imageSize`, `--channels` and `--limit`) loads, in their order, as uint8 [N, H, W, C]
 * (4-D, magic 0x00000804; 3-D 0x00000803 for grayscale), and its labels beside them when it has any.
 * Another tool then trains on the very pixels GANForge trains on (bench/equal-time.sh's PyTorch side).
 */
import type { TrainConfig } from '../config/config';
import { datasetOptions, loadDataset } from './datasets';
import { DatasetError, writeIdxImages, writeIdxLabels } from './idx';

export interface DumpResult {
  name: string;
  count: number;
  shape: [number, number, number];
  images: string;
  labels?: string;
}

/** The dataset's examples as bytes: its own, or its [-1, 1] floats mapped back by round((v + 1) · 127.5). */
function asBytes(values: Float32Array | Uint8Array): Uint8Array {
  if (values instanceof Uint8Array) return values;
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i]! + 1) * 127.5);
  return out;
}

/** The label file written next to `images`: its name with images→labels, else `<images>.labels.gz`. */
export function labelPathFor(images: string): string {
  const swapped = images.replace(/images-idx[34]/, 'labels-idx1');
  return swapped !== images ? swapped : images.replace(/(\.gz)?$/, '.labels$1');
}

/** Loads the images of `config` as training does and writes them to `out` (gzipped when it ends in .gz). */
export async function dumpDataset(
  config: Pick<TrainConfig, 'dataset' | 'labels' | 'limit' | 'imageSize' | 'channels' | 'seed'>,
  out: string,
  opts: { labels?: boolean } = {},
): Promise<DumpResult> {
  const data = await loadDataset(datasetOptions(config));
  if (data.kind !== 'image' || !data.imageShape) {
    throw new DatasetError(
      `${config.dataset} is 2-D points, not images: there is no IDX image file to write`,
    );
  }
  const [rows, cols, channels] = data.imageShape;
  writeIdxImages(out, asBytes(data.values), { count: data.count, rows, cols, channels });
  const result: DumpResult = { name: data.name, count: data.count, shape: data.imageShape, images: out };
  if (data.labels && opts.labels !== false) {
    result.labels = labelPathFor(out);
    writeIdxLabels(result.labels, data.labels);
  }
  return result;
}
