import { InvalidArgumentError } from './errors';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE } from './limits';
import type { ImageInfo, ImageSampleResult, SampleResult } from './types';

/**
 * Model output (count samples in the model's layout) to pixels: HWC per image, mapped from
 * `range` to [0, 1] and clamped. `into` (count * H * W * C values) receives them instead of a new
 * array; it may be `raw` itself unless the layout is NCHW with several channels.
 */
export function toPixels(
  raw: Float32Array,
  count: number,
  image: ImageInfo,
  range: [number, number],
  into?: Float32Array,
): Float32Array {
  const { height: h, width: w, channels: c } = image;
  const [lo, hi] = range;
  const scale = 1 / (hi - lo);
  const out = into ?? new Float32Array(count * h * w * c);
  if (image.layout !== 'NCHW' || c === 1) {
    // Already HWC order (or one channel): one linear pass, which may also run in place (into = raw).
    const n = out.length;
    for (let i = 0; i < n; i++) {
      const x = ((raw[i] as number) - lo) * scale;
      out[i] = x < 0 ? 0 : x > 1 ? 1 : x;
    }
    return out;
  }
  const per = h * w * c;
  for (let n = 0; n < count; n++) {
    const base = n * per;
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) {
        const x = ((raw[base + ch * h * w + p] as number) - lo) * scale;
        out[base + p * c + ch] = x < 0 ? 0 : x > 1 ? 1 : x;
      }
    }
  }
  return out;
}

function expectImage(result: SampleResult): ImageSampleResult {
  if (result.kind !== 'image') {
    throw new InvalidArgumentError(`expected an image result, got '${result.kind}' (points have no pixels)`);
  }
  return result;
}

function checkIndex(result: ImageSampleResult, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= result.count) {
    throw new InvalidArgumentError(`index must be an integer in [0, ${result.count - 1}], got ${index}`);
  }
}

/** One image of a result as 8-bit RGBA (grey is replicated, alpha is 255). */
export function toRGBA(result: SampleResult, index = 0): Uint8ClampedArray {
  const img = expectImage(result);
  checkIndex(img, index);
  const { width, height, channels } = img;
  const out = new Uint8ClampedArray(width * height * 4);
  const base = index * width * height * channels;
  for (let p = 0; p < width * height; p++) {
    const at = base + p * channels;
    const r = img.pixels[at] as number;
    out[p * 4] = Math.round(r * 255);
    out[p * 4 + 1] = Math.round((channels >= 3 ? (img.pixels[at + 1] as number) : r) * 255);
    out[p * 4 + 2] = Math.round((channels >= 3 ? (img.pixels[at + 2] as number) : r) * 255);
    out[p * 4 + 3] = channels === 4 ? Math.round((img.pixels[at + 3] as number) * 255) : 255;
  }
  return out;
}

export interface GridOptions {
  /** Images per row (default: the ceiling of the square root of count). */
  columns?: number;
  /** Pixels between images (default 2). */
  padding?: number;
  /** Padding value in [0, 1] (default 1, white). */
  background?: number;
  /** Whole-number enlargement, each pixel a scale x scale block (default 1): a 28 px image stays sharp. */
  scale?: number;
}

export interface GridImage {
  width: number;
  height: number;
  channels: number;
  /** 8-bit HWC. */
  data: Uint8Array;
}

/** The size of a grid of `count` images of width x height, from the options (checked), before any pixel. */
export interface GridSize {
  columns: number;
  rows: number;
  padding: number;
  scale: number;
  /** Pixels, after the enlargement by `scale`. */
  width: number;
  height: number;
}

/** Where a grid's columns, padding and scale come to, checked; throws for a bad option. */
export function gridSize(count: number, width: number, height: number, opts: GridOptions = {}): GridSize {
  const columns = opts.columns ?? Math.ceil(Math.sqrt(count));
  const padding = opts.padding ?? 2;
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(columns) || columns <= 0) {
    throw new InvalidArgumentError(`columns must be a positive integer, got ${columns}`);
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new InvalidArgumentError(`padding must be a non-negative integer, got ${padding}`);
  }
  if (!Number.isInteger(scale) || scale < 1) {
    throw new InvalidArgumentError(`scale must be a positive integer, got ${scale}`);
  }
  const rows = Math.ceil(count / columns);
  return {
    columns,
    rows,
    padding,
    scale,
    width: (columns * width + (columns + 1) * padding) * scale,
    height: (rows * height + (rows + 1) * padding) * scale,
  };
}

/** Why an image of width x height cannot be made (over MAX_IMAGE_PIXELS or a format's largest side), or undefined. */
export function imageSizeProblem(width: number, height: number, maxSide = Infinity): string | undefined {
  if (width * height > MAX_IMAGE_PIXELS) {
    return `over the limit of ${MAX_IMAGE_PIXELS} pixels (${MAX_IMAGE_SIDE} x ${MAX_IMAGE_SIDE}) of one image`;
  }
  if (Math.max(width, height) > maxSide) return `over the largest side of ${maxSide}`;
  return undefined;
}

/** Tiles every image of a result into one 8-bit HWC image; a grid over MAX_IMAGE_PIXELS is refused first. */
export function makeGrid(result: SampleResult, opts: GridOptions = {}): GridImage {
  const img = expectImage(result);
  if (img.count === 0) throw new InvalidArgumentError('cannot make a grid of 0 images: sample count >= 1');
  const { width: w, height: h, channels: c } = img;
  const size = gridSize(img.count, w, h, opts);
  const { columns, padding, scale } = size;
  const problem = imageSizeProblem(size.width, size.height);
  if (problem) {
    throw new InvalidArgumentError(
      `a grid of ${img.count} images of ${w}x${h} (${columns} columns, padding ${padding}, scale ${scale}) would be ${size.width} x ${size.height} pixels, ${problem.replace(' of one image', '')}: lower scale or count`,
    );
  }
  const width = size.width / scale;
  const height = size.height / scale;
  const data = new Uint8Array(width * height * c).fill(Math.round((opts.background ?? 1) * 255));
  for (let n = 0; n < img.count; n++) {
    const x0 = padding + (n % columns) * (w + padding);
    const y0 = padding + Math.floor(n / columns) * (h + padding);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w * c; x++) {
        data[((y0 + y) * width + x0) * c + x] = Math.round(
          (img.pixels[(n * h + y) * w * c + x] as number) * 255,
        );
      }
    }
  }
  return scale === 1
    ? { width, height, channels: c, data }
    : enlarge({ width, height, channels: c, data }, scale);
}

/** Nearest-neighbour enlargement by a whole factor. */
function enlarge(img: GridImage, scale: number): GridImage {
  const { width, height, channels: c } = img;
  const out = new Uint8Array(width * scale * height * scale * c);
  const row = width * scale * c;
  for (let y = 0; y < height; y++) {
    const line = out.subarray(y * scale * row, (y * scale + 1) * row);
    for (let x = 0; x < width; x++) {
      const src = img.data.subarray((y * width + x) * c, (y * width + x + 1) * c);
      for (let k = 0; k < scale; k++) line.set(src, (x * scale + k) * c);
    }
    for (let k = 1; k < scale; k++)
      out.copyWithin((y * scale + k) * row, y * scale * row, (y * scale + 1) * row);
  }
  return { width: width * scale, height: height * scale, channels: c, data: out };
}
