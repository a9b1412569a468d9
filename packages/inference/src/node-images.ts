/** Node only: image results to PNG / JPEG / WebP files through sharp. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { InvalidArgumentError } from './errors';
import { makeGrid } from './images';
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

function encode(img: GridImage, format: ImageFormat): Promise<Buffer> {
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
