/** Node only: image results to PNG / JPEG / WebP files through sharp. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { InvalidArgumentError } from './errors';
import { imageSizeProblem, makeGrid } from './images';
import { MAX_IMAGE_SIDE } from './limits';
import type { GridImage, GridOptions } from './images';
import type { SampleResult } from './types';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

const EXTENSIONS: Record<string, ImageFormat> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.webp': 'webp',
};

export function formatFromPath(path: string): ImageFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format)
    throw new InvalidArgumentError(`cannot tell the image format of '${path}': use .png, .jpg or .webp`);
  return format;
}

const FORMAT_NAMES: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };

/** The largest side each format can hold: WebP 16383, JPEG 65535; PNG is bound by the pixel limit only. */
export const MAX_SIDE: Record<ImageFormat, number> = { png: Infinity, jpeg: 65535, webp: MAX_IMAGE_SIDE };

function encode(img: GridImage, format: ImageFormat): Promise<Buffer> {
  const problem = imageSizeProblem(img.width, img.height, MAX_SIDE[format]);
  if (problem) {
    throw new InvalidArgumentError(
      `a ${img.width} x ${img.height} ${FORMAT_NAMES[format]} image is ${problem.replace(' of one image', '')}: make it smaller`,
    );
  }
  let s = sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels as 1 | 2 | 3 | 4 },
  });
  // Keep one-channel images greyscale (sharp would otherwise write sRGB); WebP has no grey mode.
  if (img.channels === 1 && format !== 'webp') s = s.toColourspace('b-w');
  if (format === 'png') return s.png().toBuffer();
  return (format === 'jpeg' ? s.jpeg({ quality: 92 }) : s.webp({ quality: 92 })).toBuffer();
}

/** Encodes image `index` of a result. */
export function encodeImage(result: SampleResult, index = 0, format: ImageFormat = 'png'): Promise<Buffer> {
  if (result.kind !== 'image')
    throw new InvalidArgumentError(`expected an image result, got '${result.kind}'`);
  if (!Number.isInteger(index) || index < 0 || index >= result.count) {
    throw new InvalidArgumentError(`index must be an integer in [0, ${result.count - 1}], got ${index}`);
  }
  const one = {
    ...result,
    count: 1,
    pixels: result.pixels.subarray(index * result.width * result.height * result.channels),
  };
  return encode(makeGrid(one, { columns: 1, padding: 0 }), format);
}

/** Encodes all images of a result tiled into one grid. */
export function encodeGrid(
  result: SampleResult,
  opts: GridOptions = {},
  format: ImageFormat = 'png',
): Promise<Buffer> {
  return encode(makeGrid(result, opts), format);
}

/** Writes image `index` of a result; the format follows the extension (.png, .jpg, .webp). */
export async function writeImage(result: SampleResult, index: number, path: string): Promise<void> {
  await writeFile(path, await encodeImage(result, index, formatFromPath(path)));
}

/** Writes all images of a result as one grid; the format follows the extension (.png, .jpg, .webp). */
export async function writeGrid(result: SampleResult, path: string, opts: GridOptions = {}): Promise<void> {
  await writeFile(path, await encodeGrid(result, opts, formatFromPath(path)));
}

export interface ScatterOptions {
  /** Side of the square picture in pixels (default 480). */
  size?: number;
}

const fmtTick = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

/**
 * A scatter plot of a points result (its first two dims) as an image: what the trainer draws for 2-D
 * runs, so `ganforge sample` of a point generator to a .png shows the points.
 */
export function encodeScatter(
  result: SampleResult,
  opts: ScatterOptions = {},
  format: ImageFormat = 'png',
): Promise<Buffer> {
  if (result.kind !== 'points')
    throw new InvalidArgumentError(`expected a points result, got '${result.kind}'`);
  if (result.dims < 2) {
    throw new InvalidArgumentError(
      `a scatter plot needs 2-D points; these have ${result.dims} dims: write a .csv or .json`,
    );
  }
  const size = opts.size ?? 480;
  if (!Number.isInteger(size) || size < 64 || size > MAX_IMAGE_SIDE)
    throw new InvalidArgumentError(`size must be an integer from 64 to ${MAX_IMAGE_SIDE}, got ${size}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < result.count; i++) {
    xs.push(result.points[i * result.dims] as number);
    ys.push(result.points[i * result.dims + 1] as number);
  }
  const bounds = (v: number[]) => {
    const finite = v.filter(Number.isFinite);
    const lo = finite.length ? Math.min(...finite) : -1;
    const hi = finite.length ? Math.max(...finite) : 1;
    const pad = (hi - lo || 1) * 0.05;
    return [lo - pad, hi + pad] as const;
  };
  const [x0, x1] = bounds(xs);
  const [y0, y1] = bounds(ys);
  const m = Math.round(size * 0.1);
  const span = size - 2 * m;
  const px = (x: number) => m + ((x - x0) / (x1 - x0)) * span;
  const py = (y: number) => size - m - ((y - y0) / (y1 - y0)) * span;
  const r = Math.max(1.5, size / 240);
  const dots = xs
    .map((x, i) => [x, ys[i] as number])
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .map(([x, y]) => `<circle cx="${px(x!).toFixed(1)}" cy="${py(y!).toFixed(1)}" r="${r}"/>`)
    .join('');
  const font = `font-family="sans-serif" font-size="${Math.round(size / 40)}" fill="#444"`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
<rect width="100%" height="100%" fill="#fff"/>
<rect x="${m}" y="${m}" width="${span}" height="${span}" fill="none" stroke="#888"/>
<g fill="#1f6fb4" fill-opacity="0.55">${dots}</g>
<text x="${m}" y="${size - m / 3}" ${font}>${fmtTick(x0)}</text>
<text x="${size - m}" y="${size - m / 3}" text-anchor="end" ${font}>${fmtTick(x1)}</text>
<text x="${m / 8}" y="${size - m}" ${font}>${fmtTick(y0)}</text>
<text x="${m / 8}" y="${m}" dominant-baseline="hanging" ${font}>${fmtTick(y1)}</text>
</svg>`;
  const s = sharp(Buffer.from(svg)).flatten({ background: '#fff' });
  if (format === 'png') return s.png().toBuffer();
  return (format === 'jpeg' ? s.jpeg({ quality: 92 }) : s.webp({ quality: 92 })).toBuffer();
}

/** Writes a points result as a scatter plot; the format follows the extension (.png, .jpg, .webp). */
export async function writeScatter(
  result: SampleResult,
  path: string,
  opts: ScatterOptions = {},
): Promise<void> {
  await writeFile(path, await encodeScatter(result, opts, formatFromPath(path)));
}
