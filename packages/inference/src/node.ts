/**
 * Node entry: onnxruntime-node, models from file paths, and image files via sharp. onnxruntime-node is
 * an optional peer dependency, imported on the first load: without it this entry still imports (seeded
 * latents, grids, the commands' help) and loadGenerator says which package to install.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createGenerator } from './generator';
import { MissingRuntimeError, OnnxModelLoadError } from './errors';
import type { OrtLike } from './backend';
import type { Generator, LoadOptions, ModelSource } from './types';
// onnxruntime-node's Linux build sends telemetry by default and leaves an empty
// /tmp/mat-debug-<pid>.log behind every process that opens a session: off, unless the user set it.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export * from './api';
export { writeGrid, writeImage, writeScatter, encodeImage, encodeGrid, encodeScatter } from './node-images';
export type { ImageFormat, ScatterOptions } from './node-images';

let runtime: Promise<OrtLike> | undefined;

/** onnxruntime-node, imported once; a missing package is a MissingRuntimeError naming it. */
function nodeRuntime(): Promise<OrtLike> {
  runtime ??= import('onnxruntime-node').then(
    (ort) => ('InferenceSession' in ort ? ort : (ort as { default: OrtLike }).default) as OrtLike,
    (err: unknown) => {
      runtime = undefined;
      const code = (err as NodeJS.ErrnoException).code;
      const message = err instanceof Error ? err.message : String(err);
      if (
        (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
        message.includes('onnxruntime-node')
      ) {
        throw new MissingRuntimeError(
          'onnxruntime-node is not installed: the SDK runs models in Node with it; install it next to @ganforge/inference (npm install onnxruntime-node)',
          { cause: err },
        );
      }
      throw new MissingRuntimeError(
        `onnxruntime-node could not be loaded (${message.split('\n')[0]}); reinstall it (npm install onnxruntime-node)`,
        { cause: err },
      );
    },
  );
  return runtime;
}

/** Loads a generator from a file path, a file:/http(s): URL, or the model bytes. */
export async function loadGenerator(source: ModelSource, options: LoadOptions = {}): Promise<Generator> {
  const ort = await nodeRuntime();
  return createGenerator(await readSource(source), options, ort, { defaultProvider: 'cpu' });
}

async function readSource(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = source instanceof URL ? source : /^https?:\/\//i.test(source) ? new URL(source) : undefined;
  if (url && url.protocol !== 'file:') {
    const response = await fetch(url).catch((err: Error) => {
      throw new OnnxModelLoadError(
        `could not fetch model ${url.href}: ${err.message}; check the URL and that the server is up`,
        { cause: err },
      );
    });
    if (!response.ok)
      throw new OnnxModelLoadError(
        `could not fetch model ${url.href}: HTTP ${response.status} ${response.statusText}; check the URL`,
      );
    return new Uint8Array(await response.arrayBuffer());
  }
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new OnnxModelLoadError('source must be a file path, a URL, a Uint8Array or an ArrayBuffer');
  }
  const path = source instanceof URL ? fileURLToPath(source) : source;
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new OnnxModelLoadError(`cannot read model '${path}': ${why}; pass the path of a .onnx file`, {
      cause: err,
    });
  }
}
