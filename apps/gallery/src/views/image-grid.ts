/** Lays generated images out as one RGBA picture (a grid) and draws it on a canvas. */
import type { SampleResult } from '../protocol';

type ImageResult = Extract<SampleResult, { kind: 'image' }>;

export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray<ArrayBuffer>;
}

const GAP = 1;

/** Tiles `result` into a `cols`-wide grid with a 1-pixel gap; grey images become RGB, alpha is opaque. */
export function tileImages(result: ImageResult, cols = Math.ceil(Math.sqrt(result.count))): Rgba {
  const { count, width: w, height: h, channels: c, pixels } = result;
  const rows = Math.ceil(count / cols);
  const width = cols * w + (cols - 1) * GAP;
  const height = rows * h + (rows - 1) * GAP;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let n = 0; n < count; n++) {
    const x0 = (n % cols) * (w + GAP);
    const y0 = Math.floor(n / cols) * (h + GAP);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((n * h + y) * w + x) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let k = 0; k < 3; k++) data[dst + k] = Math.round((pixels[src + (c >= 3 ? k : 0)] ?? 0) * 255);
      }
    }
  }
  return { width, height, data };
}

export function drawImageGrid(canvas: HTMLCanvasElement, result: ImageResult, cols?: number): void {
  const tiled = tileImages(result, cols);
  canvas.width = tiled.width;
  canvas.height = tiled.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas (2d context unavailable)');
  ctx.putImageData(new ImageData(tiled.data, tiled.width, tiled.height), 0, 0);
}

/** Image `index` of `result` as RGBA (grey becomes RGB, alpha opaque). */
export function imageRgba(result: ImageResult, index: number): Rgba {
  const { width, height, channels: c, pixels } = result;
  const data = new Uint8ClampedArray(width * height * 4);
  const offset = index * width * height * c;
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++)
      data[p * 4 + k] = Math.round((pixels[offset + p * c + (c >= 3 ? k : 0)] ?? 0) * 255);
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Draws image `index` of `result` on `canvas` at its native size (CSS scales it up). */
export function drawImage(canvas: HTMLCanvasElement, result: ImageResult, index: number): void {
  const rgba = imageRgba(result, index);
  canvas.width = rgba.width;
  canvas.height = rgba.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas (2d context unavailable)');
  ctx.putImageData(new ImageData(rgba.data, rgba.width, rgba.height), 0, 0);
}

export type { ImageResult };
