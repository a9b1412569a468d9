/**
 * A folder of images (PNG, JPEG, WebP, ...) as a dataset: decoded and resized with sharp, class
 * subfolders become labels. Decoded pixels are cached on disk, so neither a later epoch nor the next
 * run on the same folder decodes again, and are held in memory (as bytes) for the run, or, for a set
 * larger than the memory budget, read from the cache a batch at a time.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import type { Dataset, InMemoryDataset } from './types';
import { FileExamples, MemoryExamples } from './examples';
import { fillCache, type DecodeProgress } from './folder-cache';
import { DatasetError } from './idx';

const IMAGE_EXTENSIONS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.bmp',
]);
const CACHE_VERSION = 1;

export interface FolderOptions {
  /** Square size every image is resized to (cover crop, centred). */
  size: number;
  rgb: boolean;
  limit?: number;
  /** Where decoded folders are cached; GANFORGE_CACHE_DIR or the OS temp folder by default. */
  cacheDir?: string;
  /** Images whose decoded bytes exceed this many MiB are read from the cache per batch (default: memory). */
  memoryMb?: number;
  /** Images per piece of the cache a decode saves at once (default: about 8 MiB of them). */
  chunkImages?: number;
  /** Stops a decode after the piece in hand (DecodeStopped); the next load continues it. */
  signal?: AbortSignal;
  onProgress?: (p: DecodeProgress) => void;
}

const isImage = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
const visible = (name: string) => !name.startsWith('.');

/** Lists the images of a folder and, when it has subfolders, their classes (sorted by name). */
export function listImageFolder(root: string): { files: string[]; labels?: number[]; classNames?: string[] } {
  const entries = readdirSync(root, { withFileTypes: true }).filter((e) => visible(e.name));
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const loose = entries.filter((e) => e.isFile() && isImage(e.name)).map((e) => e.name);
  if (dirs.length === 0) {
    if (loose.length === 0) {
      throw new DatasetError(
        `the image folder ${root} is empty: put PNG/JPEG/WebP images in it (or one subfolder of images per class)`,
      );
    }
    return { files: loose.sort().map((f) => join(root, f)) };
  }
  if (loose.length > 0) {
    throw new DatasetError(
      `${root} mixes images (${loose[0]}) with class subfolders (${dirs[0]}/): move the images into a class subfolder`,
    );
  }
  const classNames = dirs.sort();
  const files: string[] = [];
  const labels: number[] = [];
  classNames.forEach((cls, label) => {
    const imgs = readdirSync(join(root, cls))
      .filter((f) => visible(f) && isImage(f))
      .sort();
    if (imgs.length === 0) {
      throw new DatasetError(`class folder ${join(root, cls)} has no images: add some or remove the folder`);
    }
    for (const f of imgs) {
      files.push(join(root, cls, f));
      labels.push(label);
    }
  });
  return { files, labels, classNames };
}

async function decode(file: string, size: number, channels: 1 | 3): Promise<Uint8Array> {
  try {
    let img = sharp(file, { failOn: 'error' }).rotate().resize(size, size, { fit: 'cover' }).removeAlpha();
    img = channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels === channels) return new Uint8Array(data);
    // A grayscale image in an RGB set: repeat the one channel.
    const out = new Uint8Array(size * size * channels);
    for (let i = 0; i < size * size; i++)
      for (let c = 0; c < channels; c++)
        out[i * channels + c] = data[i * info.channels + Math.min(c, info.channels - 1)]!;
    return out;
  } catch (e) {
    throw new DatasetError(
      `cannot read image ${file}: ${(e as Error).message.split('\n')[0]} (remove or replace the file)`,
    );
  }
}

function cacheKey(files: string[], labels: number[] | undefined, opts: FolderOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: CACHE_VERSION, size: opts.size, rgb: opts.rgb, labels }));
  for (const f of files) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 32);
}

/** Whether a folder's images came from the cache, and how much decoding the load took. */
interface FolderLoad {
  /** Every image was already decoded (nothing decoded by this load). */
  fromCache: boolean;
}

/**
 * Loads a folder of images. Decoded images are cached on disk (resumably: see folder-cache.ts); a set
 * whose decoded bytes exceed `memoryMb` is then read from that cache a batch at a time, any other is
 * held in memory. Without `memoryMb` every set is held in memory.
 */
export function loadImageFolder(
  root: string,
  opts: FolderOptions & { memoryMb?: undefined },
): Promise<InMemoryDataset & FolderLoad & { values: Uint8Array }>;
export function loadImageFolder(root: string, opts: FolderOptions): Promise<Dataset & FolderLoad>;
export async function loadImageFolder(root: string, opts: FolderOptions): Promise<Dataset & FolderLoad> {
  const listed = listImageFolder(root);
  const n = opts.limit ? Math.min(opts.limit, listed.files.length) : listed.files.length;
  // With a limit and classes, take every n/total-th file so each class stays represented.
  const pick = Array.from({ length: n }, (_, i) => Math.floor((i * listed.files.length) / n));
  const files = pick.map((i) => listed.files[i]!);
  const labels = listed.labels ? pick.map((i) => listed.labels![i]!) : undefined;
  const channels = opts.rgb ? 3 : 1;
  const size = opts.size;
  const per = size * size * channels;
  const stream = opts.memoryMb !== undefined && n * per > opts.memoryMb * 2 ** 20;
  const into = stream ? undefined : new Uint8Array(n * per);
  const filled = await fillCache({
    dir: opts.cacheDir ?? process.env.GANFORGE_CACHE_DIR ?? join(tmpdir(), 'ganforge-cache'),
    key: cacheKey(files, labels, opts),
    count: n,
    bytesPerImage: per,
    decode: (i) => decode(files[i]!, size, channels),
    ...(into ? { into } : {}),
    ...(opts.chunkImages ? { chunkImages: opts.chunkImages } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return {
    name: `${basename(root)} (${n} images${listed.classNames ? `, ${listed.classNames.length} classes` : ''})`,
    // Bytes, scaled to [-1, 1] a batch at a time: a quarter of the memory of floats.
    ...(into ? { values: into } : {}),
    examples: into ? new MemoryExamples(into, per) : new FileExamples(filled.path!, n, per),
    shape: [size, size, channels],
    count: n,
    kind: 'image',
    imageShape: [size, size, channels],
    ...(labels ? { labels: Int32Array.from(labels), classNames: listed.classNames } : {}),
    fromCache: filled.decoded === 0,
  };
}

/** Resizes (and optionally colours) images held as [-1, 1] floats, e.g. 28x28 IDX data for a 64x64 model. */
export async function resizeImages(
  values: Float32Array,
  count: number,
  shape: [number, number, number],
  size: number,
  channels: 1 | 3,
): Promise<Float32Array> {
  const [h, w, c] = shape;
  const out = new Float32Array(count * size * size * channels);
  const src = new Uint8Array(h * w * c);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < src.length; i++) src[i] = Math.round((values[n * src.length + i]! + 1) * 127.5);
    let img = sharp(src, { raw: { width: w, height: h, channels: c as 1 | 3 } }).resize(size, size, {
      fit: 'fill',
    });
    img = channels === 1 ? img.toColourspace('b-w') : img.toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    const base = n * size * size * channels;
    for (let i = 0; i < size * size; i++)
      for (let k = 0; k < channels; k++)
        out[base + i * channels + k] = data[i * info.channels + Math.min(k, info.channels - 1)]! / 127.5 - 1;
  }
  return out;
}
