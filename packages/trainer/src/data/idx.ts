/**
 * IDX files (MNIST, Fashion-MNIST): a big-endian header, then unsigned bytes; gzipped or raw. The magic
 * 0x000008DD says uint8 (0x08) in DD dimensions, each a 32-bit size: images are 0x00000803 [N, H, W]
 * (grayscale) or 0x00000804 [N, H, W, C] (C channels interleaved, e.g. RGB), labels 0x00000801 [N].
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '@ganforge/contracts';
import { UserError } from '@ganforge/contracts/errors';

export class DatasetError extends UserError {
  override name = 'DatasetError';
}

const IMAGES_MAGIC = 0x00000803;
/** Images with a channel axis: [N, H, W, C]. */
const IMAGES4_MAGIC = 0x00000804;
const LABELS_MAGIC = 0x00000801;
/** Refuse absurd files before allocating: 2 GiB of pixels is far beyond any IDX set in use. */
const MAX_BYTES = 2 ** 31;

export interface IdxImages {
  count: number;
  /** Images in the file (count is this, or fewer under a limit). */
  total: number;
  rows: number;
  cols: number;
  /** 1 for a 3-D file; C of a 4-D one. */
  channels: number;
  /** count*rows*cols*channels bytes, row-major (channels last). */
  pixels: Uint8Array;
}

function readMaybeGzip(path: string): Buffer {
  if (!existsSync(path)) throw new DatasetError(`dataset file not found: ${path}`);
  if (statSync(path).isDirectory()) throw new DatasetError(`${path} is a directory, expected an IDX file`);
  const raw = readFileSync(path);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { maxOutputLength: MAX_BYTES });
    } catch (e) {
      throw new DatasetError(
        `${path} is not a readable gzip file (${(e as Error).message}); is it truncated?`,
      );
    }
  }
  return raw;
}

export function readIdxImages(path: string, limit?: number): IdxImages {
  const buf = readMaybeGzip(path);
  const magic = buf.length >= 4 ? buf.readUInt32BE(0) : undefined;
  const head = magic === IMAGES4_MAGIC ? 20 : 16;
  if (buf.length < head || (magic !== IMAGES_MAGIC && magic !== IMAGES4_MAGIC)) {
    throw new DatasetError(
      `${path} is not an IDX image file (expected magic 0x00000803 or 0x00000804${magic !== undefined ? `, found 0x${magic.toString(16).padStart(8, '0')}` : ''})`,
    );
  }
  const total = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  const channels = head === 20 ? buf.readUInt32BE(16) : 1;
  const shape = `${rows}x${cols}${head === 20 ? `x${channels}` : ''}`;
  if (total === 0 || rows === 0 || cols === 0 || channels === 0) {
    throw new DatasetError(
      `${path} holds no images: its IDX header says ${total} images of ${shape}; pass a file with images in it`,
    );
  }
  const per = rows * cols * channels;
  const need = head + total * per;
  if (buf.length < need) {
    throw new DatasetError(
      `${path} is truncated: header says ${total} images of ${shape} (${need} bytes), file has ${buf.length}`,
    );
  }
  const count = limit ? Math.min(limit, total) : total;
  return {
    count,
    total,
    rows,
    cols,
    channels,
    pixels: new Uint8Array(buf.buffer, buf.byteOffset + head, count * per),
  };
}

/**
 * Writes `count` images of rows x cols x channels bytes as an IDX file, gzipped when the name ends in
 * .gz: 3-D (0x00000803) for one channel, as MNIST is, 4-D (0x00000804, [N, H, W, C]) otherwise.
 */
export function writeIdxImages(
  path: string,
  pixels: Uint8Array,
  shape: { count: number; rows: number; cols: number; channels: number },
): void {
  const { count, rows, cols, channels } = shape;
  if (pixels.length !== count * rows * cols * channels) {
    throw new Error(`${pixels.length} bytes are not ${count} images of ${rows}x${cols}x${channels}`);
  }
  const dims = channels === 1 ? [count, rows, cols] : [count, rows, cols, channels];
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(channels === 1 ? IMAGES_MAGIC : IMAGES4_MAGIC, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  writeIdx(path, Buffer.concat([head, pixels]));
}

/** Writes one label per image (0..255) as an IDX label file (0x00000801). */
export function writeIdxLabels(path: string, labels: ArrayLike<number>): void {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(LABELS_MAGIC, 0);
  head.writeUInt32BE(labels.length, 4);
  writeIdx(path, Buffer.concat([head, Uint8Array.from(labels)]));
}

const writeIdx = (path: string, bytes: Buffer) =>
  writeFileAtomic(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);

/** The labels of an IDX label file, all of them: apply a limit after checking them against the images. */
export function readIdxLabels(path: string): Uint8Array {
  const buf = readMaybeGzip(path);
  if (buf.length < 8 || buf.readUInt32BE(0) !== LABELS_MAGIC) {
    throw new DatasetError(`${path} is not an IDX label file (expected magic 0x00000801)`);
  }
  const total = buf.readUInt32BE(4);
  if (total === 0) throw new DatasetError(`${path} holds no labels (its IDX header says 0)`);
  if (buf.length < 8 + total) {
    throw new DatasetError(`${path} is truncated: header says ${total} labels, file has ${buf.length - 8}`);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset + 8, total);
}

/**
 * The number of classes the labels name, refusing numbering with gaps: a conditional model gets one
 * embedding row per class 0..C-1, so a stray 200 among 0..9 would silently make 201 classes.
 */
export function labelClasses(path: string, labels: Uint8Array): number {
  const seen = new Set(labels);
  const classes = Math.max(...seen) + 1;
  if (seen.size !== classes) {
    const missing = [...Array(classes).keys()].filter((c) => !seen.has(c));
    throw new DatasetError(
      `${path}: labels must number the classes 0..C-1, but values go up to ${classes - 1} and ${missing.length} of them never appear (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); renumber the labels`,
    );
  }
  return classes;
}
