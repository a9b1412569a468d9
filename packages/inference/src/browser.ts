/// <reference lib="dom" />
/** Browser entry: onnxruntime-web, models fetched by URL. Imports nothing from Node. */
import * as ort from 'onnxruntime-web';
import { createGenerator } from './generator';
import { InvalidArgumentError, ModelLoadError } from './errors';
import { toRGBA } from './images';
import type { OrtLike } from './backend';
import type { Generator, LoadOptions, ModelSource, SampleResult } from './types';

export * from './api';

const runtime: OrtLike = ort;

/** Loads a generator from a URL (absolute, or relative to the page) or the model bytes. */
export async function loadGenerator(source: ModelSource, options: LoadOptions = {}): Promise<Generator> {
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  return createGenerator(await readSource(source), options, runtime);
}

async function readSource(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new ModelLoadError('source must be a URL, a Uint8Array or an ArrayBuffer');
  }
  const response = await fetch(source).catch((err: Error) => {
    throw new ModelLoadError(
      `could not fetch model ${String(source)}: ${err.message}; check the URL and that the server is up`,
    );
  });
  if (!response.ok)
    throw new ModelLoadError(
      `could not fetch model ${String(source)}: HTTP ${response.status} ${response.statusText}; check the URL`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

/** One image of a result as ImageData, ready for CanvasRenderingContext2D.putImageData. */
export function toImageData(result: SampleResult, index = 0): ImageData {
  if (result.kind !== 'image') throw new InvalidArgumentError('toImageData needs an image result');
  return new ImageData(toRGBA(result, index) as Uint8ClampedArray<ArrayBuffer>, result.width, result.height);
}
