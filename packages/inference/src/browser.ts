/// <reference lib="dom" />
/**
 * Browser entry: onnxruntime-web, models fetched by URL. Imports nothing from Node. onnxruntime-web is
 * an optional peer dependency: an app that bundles this entry installs it (a bundler stops at a missing
 * one, naming it).
 */
import * as ort from 'onnxruntime-web';
import { createGenerator } from './generator';
import { InvalidArgumentError, OnnxModelLoadError } from './errors';
import { makeGrid, toRGBA } from './images';
import type { GridOptions } from './images';
import type { OrtLike } from './backend';
import type { Generator, LoadOptions, ModelSource, SampleResult } from './types';

export * from './api';

const runtime: OrtLike = ort;

/** Loads a generator from a URL (absolute, or relative to the page) or the model bytes. */
export async function loadGenerator(source: ModelSource, options: LoadOptions = {}): Promise<Generator> {
  useWasmPaths(options.wasmPaths);
  return createGenerator(await readSource(source), options, runtime, { defaultProvider: 'wasm' });
}

/**
 * onnxruntime-web loads its runtime once per page (or worker), from the wasmPaths in force when its
 * first session opens: a later, different wasmPaths would be ignored without a word, so it is refused.
 */
function useWasmPaths(given: string | undefined): void {
  if (given === undefined) return;
  if (typeof given !== 'string' || given === '') {
    throw new InvalidArgumentError(`wasmPaths must be a URL prefix (e.g. '/ort/'), got ${String(given)}`);
  }
  const current = ort.env.wasm.wasmPaths;
  if (current !== undefined && current !== given) {
    throw new InvalidArgumentError(
      `wasmPaths '${given}' differs from '${typeof current === 'string' ? current : JSON.stringify(current)}', which onnxruntime-web already uses on this page: it loads one runtime per page (or worker), so pass the same wasmPaths to every loadGenerator, or leave it out after the first`,
    );
  }
  ort.env.wasm.wasmPaths = given;
}

async function readSource(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new OnnxModelLoadError('source must be a URL, a Uint8Array or an ArrayBuffer');
  }
  const response = await fetch(source).catch((err: Error) => {
    throw new OnnxModelLoadError(
      `could not fetch model ${String(source)}: ${err.message}; check the URL and that the server is up`,
      { cause: err },
    );
  });
  if (!response.ok)
    throw new OnnxModelLoadError(
      `could not fetch model ${String(source)}: HTTP ${response.status} ${response.statusText}; check the URL`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

/** One image of a result as ImageData, ready for CanvasRenderingContext2D.putImageData. */
export function toImageData(result: SampleResult, index = 0): ImageData {
  if (result.kind !== 'image') throw new InvalidArgumentError('toImageData needs an image result');
  return new ImageData(toRGBA(result, index) as Uint8ClampedArray<ArrayBuffer>, result.width, result.height);
}

/** All images of a result tiled into one grid (see makeGrid), as ImageData. */
export function toGridImageData(result: SampleResult, opts: GridOptions = {}): ImageData {
  const grid = makeGrid(result, opts);
  const rgba = new Uint8ClampedArray(grid.width * grid.height * 4);
  const c = grid.channels;
  for (let p = 0; p < grid.width * grid.height; p++) {
    const v = grid.data[p * c] as number;
    rgba[p * 4] = v;
    rgba[p * 4 + 1] = c >= 3 ? (grid.data[p * c + 1] as number) : v;
    rgba[p * 4 + 2] = c >= 3 ? (grid.data[p * c + 2] as number) : v;
    rgba[p * 4 + 3] = c === 4 ? (grid.data[p * c + 3] as number) : 255;
  }
  return new ImageData(rgba, grid.width, grid.height);
}

/**
 * Draws image `index` of a result, or with `grid` all of them tiled, onto a canvas (an
 * HTMLCanvasElement or an OffscreenCanvas in a worker), resizing the canvas to fit.
 */
export function drawToCanvas(
  result: SampleResult,
  canvas: HTMLCanvasElement | OffscreenCanvas,
  opts: { index?: number; grid?: GridOptions } = {},
): void {
  const image = opts.grid ? toGridImageData(result, opts.grid) : toImageData(result, opts.index ?? 0);
  [canvas.width, canvas.height] = [image.width, image.height];
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new InvalidArgumentError('drawToCanvas could not get a 2d context from the canvas');
  ctx.putImageData(image, 0, 0);
}
