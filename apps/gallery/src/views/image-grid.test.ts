import { describe, expect, it } from 'vitest';
import { imageRgba, tileImages } from './image-grid';

const empty = new Float32Array(0);

describe('tileImages', () => {
  it('places each image in its tile with 1-pixel white gaps', () => {
    // Two 1x2 grey images: [0, 1] and [0.5, 0.25].
    const tiled = tileImages(
      {
        kind: 'image',
        count: 2,
        width: 2,
        height: 1,
        channels: 1,
        pixels: Float32Array.of(0, 1, 0.5, 0.25),
        latents: empty,
      },
      2,
    );
    expect([tiled.width, tiled.height]).toEqual([5, 1]);
    const red = Array.from({ length: 5 }, (_, x) => tiled.data[x * 4]);
    expect(red).toEqual([0, 255, 255, 128, 64]);
    expect(tiled.data[3]).toBe(255);
  });

  it('keeps RGB channels apart', () => {
    const tiled = tileImages({
      kind: 'image',
      count: 1,
      width: 1,
      height: 1,
      channels: 3,
      pixels: Float32Array.of(1, 0, 0.5),
      latents: empty,
    });
    expect(Array.from(tiled.data)).toEqual([255, 0, 128, 255]);
  });

  it('defaults to a square grid', () => {
    const pixels = new Float32Array(64 * 4 * 4);
    const tiled = tileImages({
      kind: 'image',
      count: 64,
      width: 4,
      height: 4,
      channels: 1,
      pixels,
      latents: empty,
    });
    expect([tiled.width, tiled.height]).toEqual([39, 39]);
  });
});

describe('imageRgba', () => {
  it('picks one image out of a batch', () => {
    const rgba = imageRgba(
      {
        kind: 'image',
        count: 2,
        width: 1,
        height: 2,
        channels: 1,
        pixels: Float32Array.of(0, 0, 1, 0.5),
        latents: empty,
      },
      1,
    );
    expect(Array.from(rgba.data)).toEqual([255, 255, 255, 255, 128, 128, 128, 255]);
  });
});
