/**
 * Image mode's compiled step in the worker: the trainer's compiled engine — the whole training step as
 * one ONNX graph, the engine the Node trainer runs on onnxruntime-node — here on onnxruntime-web, on
 * one of two devices:
 *
 * - `wasm`: the CPU, through onnxruntime-web's wasm-only build ('onnxruntime-web'). Its threads need a
 *   cross-origin isolated page (SharedArrayBuffer; the gallery's servers send the COOP/COEP headers that
 *   make it one): then one per logical core, else one.
 * - `webgpu`: the browser's GPU, through onnxruntime-web's WebGPU build ('onnxruntime-web/webgpu', a
 *   27 MB runtime fetched only when it is used), on the adapter the browser gives; weights and
 *   optimizer state stay in GPU memory between steps.
 *
 * Each runtime loads once per worker, from the site's own ort/ folder (the SDK's Vite plugin serves both
 * there and points the two specifiers at them).
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
export type CompiledDevice = 'wasm' | 'webgpu';

let wasmPaths: string | undefined;
const runtimes = new Map<CompiledDevice, Promise<OrtWeb>>();

/** Where the page serves onnxruntime-web's files (its ort/ folder); set before the first step opens. */
export function setRuntimePaths(paths: string): void {
  wasmPaths = paths;
}

/** The runtime's threads: one per logical core where the page is cross-origin isolated, else one. */
export function compiledThreads(): number {
  return self.crossOriginIsolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
}

/** The parts of WebGPU's adapter this file reads (the DOM library has no WebGPU types). */
interface Adapter {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<Adapter | null>;
}

/** The browser's WebGPU adapter, what it is, and whether it is a software one (e.g. SwiftShader). */
export interface GpuAdapter {
  adapter: Adapter;
  name: string;
  software: boolean;
}

let adapter: Promise<GpuAdapter | null> | undefined;

/** The adapter the browser offers for a GPU that trains (null where it offers none). */
export function gpuAdapter(): Promise<GpuAdapter | null> {
  adapter ??= (async () => {
    const gpu = (navigator as unknown as { gpu?: Gpu }).gpu;
    const found = await gpu?.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!found) return null;
    const info = found.info ?? {};
    const architecture = info.architecture ?? '';
    const software =
      Boolean(info.isFallbackAdapter ?? found.isFallbackAdapter) || /swiftshader/i.test(architecture);
    const words = [info.vendor, architecture, info.description].filter((w) => w);
    return { adapter: found, name: words.length ? words.join(' ') : 'adapter not named', software };
  })();
  return adapter;
}

/** What the page shows for the compiled step on `device`. */
export async function compiledLabel(device: CompiledDevice): Promise<string> {
  if (device === 'webgpu') {
    const gpu = await gpuAdapter();
    const name = gpu ? `${gpu.name}${gpu.software ? ', a software adapter' : ''}` : 'no adapter';
    return `compiled step (onnxruntime-web, WebGPU: ${name})`;
  }
  const n = compiledThreads();
  return `compiled step (onnxruntime-web, ${n} thread${n === 1 ? '' : 's'})`;
}

/** onnxruntime-web's build for `device`, loaded and set up once (a failed load is tried again later). */
export function loadRuntime(device: CompiledDevice): Promise<OrtWeb> {
  let runtime = runtimes.get(device);
  if (runtime) return runtime;
  runtime = (async () => {
    if (!wasmPaths) throw new Error('the page did not say where onnxruntime-web is served');
    const gpu = device === 'webgpu' ? await gpuAdapter() : null;
    if (device === 'webgpu' && !gpu) throw new Error('this browser offers no WebGPU adapter');
    const ort: OrtWeb =
      device === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web');
    ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.wasm.numThreads = compiledThreads();
    // This is a worker already: no proxy worker of onnxruntime-web's own.
    ort.env.wasm.proxy = false;
    // The adapter the page named is the one the step runs on.
    if (gpu) (ort.env.webgpu as { adapter?: unknown }).adapter = gpu.adapter;
    return ort;
  })();
  runtimes.set(device, runtime);
  runtime.catch(() => runtimes.delete(device));
  return runtime;
}

/**
 * The compiled step on `device`, on `models` and their optimizers, starting from their weights and
 * state; throws the trainer's UncompilableError where the models or settings do not compile.
 */
export const openCompiled = async (
  models: EngineModels,
  config: TrainConfig,
  dataShape: number[],
  device: CompiledDevice,
): Promise<TrainEngine> =>
  createWebEngine(await loadRuntime(device), tf, models, {
    config,
    batch: config.batchSize,
    dataShape,
    provider: device,
    device: await compiledLabel(device),
  });
