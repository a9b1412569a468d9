import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGenerator, makeGrid, toRGBA, writeGrid, writeImage } from './node';
import type { Generator, ImageSampleResult } from './node';
import { rgbModel, torchModel } from './testing/models';

let dir: string;
let rgb: Generator;
let grey: Generator;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ganforge-images-'));
  rgb = await loadGenerator(rgbModel().bytes);
  grey = await loadGenerator(torchModel().bytes);
});
afterAll(async () => {
  await rgb.dispose();
  await grey.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function sampleImages(g: Generator, count: number, seed: number): Promise<ImageSampleResult> {
  const r = await g.sample({ count, seed });
  if (r.kind !== 'image') throw new Error('expected images');
  return r;
}

describe('grids', () => {
  it('places image n at its row and column with padding between', async () => {
    const r = await sampleImages(rgb, 5, 1);
    const grid = makeGrid(r, { padding: 1, background: 0 });
    // 5 images -> 3 columns, 2 rows of 4x4 plus 1-pixel borders.
    expect([grid.width, grid.height, grid.channels]).toEqual([3 * 4 + 4, 2 * 4 + 3, 3]);
    const n = 4; // row 1, column 1
    const [x0, y0] = [1 + 1 * 5, 1 + 1 * 5];
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++)
        for (let c = 0; c < 3; c++) {
          const want = Math.round(r.pixels[((n * 4 + y) * 4 + x) * 3 + c]! * 255);
          expect(grid.data[((y0 + y) * grid.width + x0 + x) * 3 + c]).toBe(want);
        }
    expect(grid.data[0]).toBe(0); // border
    // The unused sixth cell stays background.
    expect(grid.data[((y0 + 1) * grid.width + 1 + 2 * 5 + 1) * 3]).toBe(0);
  });

  it('writes a lossless PNG grid that decodes to the same pixels', async () => {
    const r = await sampleImages(grey, 9, 2);
    const path = join(dir, 'grid.png');
    await writeGrid(r, path, { columns: 3 });
    const grid = makeGrid(r, { columns: 3 });
    const meta = await sharp(path).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual([
      'png',
      grid.width,
      grid.height,
      1,
    ]);
    const { data } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(new Uint8Array(data)).toEqual(grid.data);
  });

  it('writes single images as PNG, JPEG and WebP', async () => {
    const r = await sampleImages(rgb, 3, 3);
    const png = join(dir, 'one.png');
    await writeImage(r, 2, png);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data)).toEqual(
      Array.from(r.pixels.subarray(2 * 48, 3 * 48), (v) => Math.round(v * 255)),
    );
    for (const [ext, format] of [
      ['jpg', 'jpeg'],
      ['webp', 'webp'],
    ] as const) {
      const path = join(dir, `one.${ext}`);
      await writeImage(r, 0, path);
      const meta = await sharp(path).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 4, 4]);
    }
    await expect(writeImage(r, 0, join(dir, 'one.bmp'))).rejects.toThrow(/use .png, .jpg or .webp/);
    await expect(writeImage(r, 3, png)).rejects.toThrow(/index must be an integer in \[0, 2\]/);
  });

  it('toRGBA replicates grey and sets alpha', async () => {
    const r = await sampleImages(grey, 2, 4);
    const rgba = toRGBA(r, 1);
    expect(rgba.length).toBe(16 * 4);
    for (let p = 0; p < 16; p++) {
      const v = Math.round(r.pixels[16 + p]! * 255);
      expect(Array.from(rgba.subarray(p * 4, p * 4 + 4))).toEqual([v, v, v, 255]);
    }
  });
});
