/**
 * Sizes are checked before anything is allocated or run: a request too large for one call is a typed,
 * one-line error naming the argument and the limit, never a RangeError from a typed array or a run
 * that takes minutes and gigabytes before failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  loadGenerator,
  makeGrid,
  MAX_IMAGE_PIXELS,
  MAX_VALUES_PER_CALL,
  ModelInfoError,
  seededLatents,
} from './node';
import type { Generator, InferenceError } from './node';
import { interpolateLatents } from './interpolate';
import { hugeOutputModel, mnistSizedModel } from './testing/unusual-models';

let g: Generator;
beforeAll(async () => {
  g = await loadGenerator(mnistSizedModel());
});
afterAll(() => g.dispose());

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

async function rejected(p: Promise<unknown>): Promise<InferenceError> {
  const e = await p.then(
    () => new Error('expected a rejection'),
    (err: unknown) => err as Error,
  );
  expect(e.message).not.toContain('\n');
  return e as InferenceError;
}

describe('per-call limits', () => {
  it('says how many samples one call takes (info.maxCount)', () => {
    expect(g.info.maxCount).toBe(Math.floor(MAX_VALUES_PER_CALL / 784));
  });

  it('refuses interpolate steps over the limit before drawing a latent', async () => {
    const t0 = performance.now();
    const e = await rejected(g.interpolate(1, 2, 1_000_000_000));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe(
      `steps 1000000000 is too large for one call: at most ${g.info.maxCount} samples fit this model's limit of ${MAX_VALUES_PER_CALL} values per call; interpolate in several calls`,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('refuses latents and interpolations too large to allocate', () => {
    const latents = thrown(() => g.latents(1, 1_000_000_000));
    expect(latents).toBeInstanceOf(InvalidArgumentError);
    expect(latents.message).toMatch(
      /^count 1000000000 x latentDim 16 = 16000000000 values is over the limit of 67108864 values per call/,
    );
    expect(thrown(() => seededLatents(1, 2 ** 40, 100))).toBeInstanceOf(InvalidArgumentError);
    const a = new Float32Array(16).fill(1);
    const walk = thrown(() => interpolateLatents(a, a, 1_000_000_000));
    expect(walk).toBeInstanceOf(InvalidArgumentError);
    expect(walk.message).toMatch(
      /^steps 1000000000 x latentDim 16 = 16000000000 values is over the limit of 67108864 values per call/,
    );
  });
});

describe('grids', () => {
  it('refuses a grid over the pixel limit before allocating it, naming what to lower', async () => {
    const r = await g.sample({ count: 4, seed: 1 });
    const e = thrown(() => makeGrid(r, { scale: 1000 }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toBe(
      `a grid of 4 images of 28x28 (2 columns, padding 2, scale 1000) would be 62000 x 62000 pixels, over the limit of ${MAX_IMAGE_PIXELS} pixels (16383 x 16383): lower scale or count`,
    );
    expect(thrown(() => makeGrid(r, { scale: 0 })).message).toBe('scale must be a positive integer, got 0');
    const ok = makeGrid(r, { scale: 2 });
    expect([ok.width, ok.height]).toEqual([2 * 62, 2 * 62]);
  });

  it('counts a grid of many small images against the same limit', () => {
    // 4x4 images: 10 million of them would fit one call (48 values each) but not one picture.
    const fake = {
      kind: 'image' as const,
      count: 10_000_000,
      width: 4,
      height: 4,
      channels: 3,
      pixels: new Float32Array(0),
      latents: new Float32Array(0),
    };
    const e = thrown(() => makeGrid(fake));
    expect(e.message).toMatch(/^a grid of 10000000 images of 4x4 .* over the limit of 268402689 pixels/);
  });
});

describe('models too large to run', () => {
  it('refuses at load a model whose one sample is over the per-call limit', async () => {
    const e = await rejected(loadGenerator(hugeOutputModel()));
    expect(e).toBeInstanceOf(ModelInfoError);
    expect((e as ModelInfoError).reason).toBe('too-large');
    expect(e.message).toBe(
      "output 'image' [N,3,8192,8192] holds 201326592 values per sample, over the SDK's limit of 67108864 values per call: not even one sample fits, so this model cannot be run here",
    );
  });

  it('reads symbolic output sizes from the graph and refuses before running the model', async () => {
    const before = process.resourceUsage().maxRSS;
    const e = await rejected(loadGenerator(hugeOutputModel(true)));
    const grown = (process.resourceUsage().maxRSS - before) / 1024;
    expect(e).toBeInstanceOf(ModelInfoError);
    expect(e.message).toBe(
      "output 'image' [N,C,H,W] comes out as [1,3,8192,8192] (read from the graph): 201326592 values per sample, over the SDK's limit of 67108864 values per call: not even one sample fits, so this model cannot be run here",
    );
    // A probe run at batch 1 would have taken over 800 MB for its output alone.
    expect(grown).toBeLessThan(200);
  });
});
