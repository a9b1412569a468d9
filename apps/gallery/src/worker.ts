/// <reference lib="webworker" />
/** Runs the generator off the main thread: one model per worker, requests answered in order. */
import { loadGenerator, ModelInfoError, type Generator } from '@ganforge/inference';
import { DataType, encodeModel } from '@ganforge/inference/onnx';
import * as ort from 'onnxruntime-web';
import { summarizeModel } from './model-summary';
import { fetchRunFile } from './offline-protocol';
import type { LoadTimings, SampleResult, Span, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Epoch milliseconds, comparable with the page's clock (its timeOrigin differs from the worker's). */
const now = () => performance.timeOrigin + performance.now();
const workerStart = now();

let generator: Generator | undefined;

/** A one-node model (y = x): opening it brings onnxruntime-web's wasm runtime up. */
function identityModel(): Uint8Array {
  const io = (name: string) => ({
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } },
  });
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'ganforge-gallery',
    graph: {
      name: 'warm-up',
      node: [{ opType: 'Identity', input: ['x'], output: ['y'], name: 'identity' }],
      initializer: [],
      input: [io('x')],
      output: [io('y')],
    },
  });
}

/**
 * Starts onnxruntime-web (fetching and compiling its 14 MB wasm) once per worker, so that it runs while
 * the model downloads instead of after. A failure is left for the model's own load to report.
 */
let runtime: Promise<Span | null> | undefined;
function startRuntime(wasmPaths: string): Promise<Span | null> {
  runtime ??= (async () => {
    const start = now();
    ort.env.wasm.wasmPaths = wasmPaths;
    // Threads need a cross-origin isolated page (SharedArrayBuffer); elsewhere go straight to one.
    if (!self.crossOriginIsolated) ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(identityModel());
    await session.release();
    return { start, end: now() };
  })().catch(() => null);
  return runtime;
}

function transferables(result: SampleResult): ArrayBuffer[] {
  const arrays = result.kind === 'image' ? [result.pixels, result.latents] : [result.points, result.latents];
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

async function modelBytes(
  source: Extract<WorkerRequest, { type: 'load' }>['source'],
): Promise<{ bytes: Uint8Array; span: Span }> {
  const start = now();
  if ('bytes' in source) return { bytes: new Uint8Array(source.bytes), span: { start, end: start } };
  const res = await fetchRunFile(source.url, 'the model');
  if (!res.ok) throw new Error(`could not download the model (${source.url}: HTTP ${res.status})`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { bytes, span: { start, end: now() } };
}

/** The runtime's own files (glue script and wasm) as this worker fetched them. */
function runtimeFiles(): LoadTimings['files'] {
  return performance
    .getEntriesByType('resource')
    .filter((e): e is PerformanceResourceTiming => /\/ort-[^/]*\.(wasm|mjs)$/.test(new URL(e.name).pathname))
    .map((e) => ({
      name: new URL(e.name).pathname.split('/').pop() ?? e.name,
      start: performance.timeOrigin + e.startTime,
      end: performance.timeOrigin + e.responseEnd,
      bytes: e.encodedBodySize,
    }));
}

async function handle(req: Exclude<WorkerRequest, { type: 'warm' }>): Promise<void> {
  const reply = (msg: WorkerResponse, transfer: Transferable[] = []) => self.postMessage(msg, transfer);
  try {
    if (req.type === 'load') {
      const received = now();
      // The runtime starts while the model downloads; opening the model waits for it inside onnxruntime.
      const warm = startRuntime(req.wasmPaths);
      const { bytes, span: fetched } = await modelBytes(req.source);
      await generator?.dispose();
      generator = undefined;
      const openStart = now();
      // onnxruntime-web may take ownership of the buffer it is given: keep our own copy for the summary.
      generator = await loadGenerator(bytes.slice(), { wasmPaths: req.wasmPaths });
      const open = { start: openStart, end: now() };
      const summary = summarizeModel(bytes);
      const timings: LoadTimings = {
        workerStart,
        received,
        fetch: fetched,
        runtime: await warm,
        open,
        summary: { start: open.end, end: now() },
        files: runtimeFiles(),
      };
      reply({ type: 'loaded', id: req.id, info: generator.info, summary, timings });
      return;
    }
    if (!generator) throw new Error('no model loaded yet');
    const start = performance.now();
    const result =
      req.type === 'sample'
        ? await generator.sample({
            count: req.count,
            seed: req.seed,
            ...(req.truncation !== undefined ? { truncation: req.truncation } : {}),
            ...(req.labels ? { labels: req.labels } : {}),
          })
        : await generator.interpolate(req.from, req.to, req.steps, {
            method: 'slerp',
            ...(req.label !== undefined ? { label: req.label } : {}),
          });
    const ms = performance.now() - start;
    // Drop buffers shared between results before transferring, so each is sent once.
    reply({ type: 'sampled', id: req.id, result, ms }, [...new Set(transferables(result))]);
  } catch (e) {
    reply({
      type: 'error',
      id: req.id,
      message: e instanceof Error ? e.message : String(e),
      ...(e instanceof ModelInfoError ? { reason: e.reason } : {}),
    });
  }
}

// Chain requests so a sample never runs before the load it depends on.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  // Warming up needs no reply and must not hold up a load behind it.
  if (req.type === 'warm') void startRuntime(req.wasmPaths);
  else queue = queue.then(() => handle(req));
};
