/**
 * Image mode's compiled step in the worker: the trainer's compiled engine — the whole training step as
 * one ONNX graph, the engine the Node trainer runs on onnxruntime-node — here on onnxruntime-web's wasm
 * provider. The runtime loads once per worker, from the site's own ort/ folder (the SDK's Vite plugin
 * serves it there and points 'onnxruntime-web' at its wasm-only build). Its threads need a cross-origin
 * isolated page (SharedArrayBuffer; the gallery's servers send the COOP/COEP headers that make it one):
 * then one per logical core, else one.
 */
import {
  createWebEngine,
  tf,
  type EngineModels,
  type TrainConfig,
  type TrainEngine,
} from '@ganforge/trainer/browser';
import type * as OrtWebModule from 'onnxruntime-web';

type OrtWeb = typeof OrtWebModule;

let wasmPaths: string | undefined;
let runtime: Promise<OrtWeb> | undefined;

/** Where the page serves onnxruntime-web's files (its ort/ folder); set before the first step opens. */
export function setRuntimePaths(paths: string): void {
  wasmPaths = paths;
}

/** The runtime's threads: one per logical core where the page is cross-origin isolated, else one. */
export function compiledThreads(): number {
  return self.crossOriginIsolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
}

/** What the page shows for the compiled step. */
export function compiledLabel(): string {
  const n = compiledThreads();
  return `compiled step (onnxruntime-web, ${n} thread${n === 1 ? '' : 's'})`;
}

/** onnxruntime-web, loaded and set up once (a failed load is tried again next time). */
export function loadRuntime(): Promise<OrtWeb> {
  runtime ??= (async () => {
    if (!wasmPaths) throw new Error('the page did not say where onnxruntime-web is served');
    const ort = await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.wasm.numThreads = compiledThreads();
    // This is a worker already: no proxy worker of onnxruntime-web's own.
    ort.env.wasm.proxy = false;
    return ort;
  })();
  runtime.catch(() => (runtime = undefined));
  return runtime;
}

/**
 * The compiled step on `models` and their optimizers, starting from their weights and state; throws
 * the trainer's UncompilableError where the models or settings do not compile.
 */
export const openCompiled = async (
  models: EngineModels,
  config: TrainConfig,
  dataShape: number[],
): Promise<TrainEngine> =>
  createWebEngine(await loadRuntime(), tf, models, {
    config,
    batch: config.batchSize,
    dataShape,
    device: compiledLabel(),
  });
