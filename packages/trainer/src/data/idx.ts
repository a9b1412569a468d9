/** IDX files (MNIST, Fashion-MNIST): big-endian header, then unsigned bytes. Gzipped or raw. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from '@ganforge/contracts/errors';

export class DatasetError extends UserError {
  override name = 'DatasetError';
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
/** Refuse absurd files before allocating: 2 GiB of pixels is far beyond any IDX set in use. */
const MAX_BYTES = 2 ** 31;

export interface IdxImages {
  count: number;
  /** Images in the file (count is this, or fewer under a limit). */
  total: number;
  rows: number;
  cols: number;
  /** count*rows*cols bytes, row-major. */
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
  if (buf.length < 16 || buf.readUInt32BE(0) !== IMAGES_MAGIC) {
    throw new DatasetError(
      `${path} is not an IDX image file (expected magic 0x00000803${buf.length >= 4 ? `, found 0x${buf.readUInt32BE(0).toString(16).padStart(8, '0')}` : ''})`,
    );
  }
  const total = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  if (total === 0 || rows === 0 || cols === 0) {
    throw new DatasetError(
      `${path} holds no images: its IDX header says ${total} images of ${rows}x${cols}; pass a file with images in it`,
    );
  }
  const need = 16 + total * rows * cols;
  if (buf.length < need) {
    throw new DatasetError(
      `${path} is truncated: header says ${total} images of ${rows}x${cols} (${need} bytes), file has ${buf.length}`,
    );
  }
  const count = limit ? Math.min(limit, total) : total;
  return {
    count,
    total,
    rows,
    cols,
    pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16, count * rows * cols),
  };
}

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
