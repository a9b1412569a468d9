/// <reference lib="webworker" />
/** Runs the generator off the main thread: one model per worker, requests answered in order. */
import { loadGenerator, type Generator } from '@ganforge/inference';
import { summarizeModel } from './model-summary';
import type { SampleResult, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let generator: Generator | undefined;

function transferables(result: SampleResult): ArrayBuffer[] {
  const arrays = result.kind === 'image' ? [result.pixels, result.latents] : [result.points, result.latents];
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

async function modelBytes(source: Extract<WorkerRequest, { type: 'load' }>['source']): Promise<Uint8Array> {
  if ('bytes' in source) return new Uint8Array(source.bytes);
  const res = await fetch(source.url);
  if (!res.ok) throw new Error(`could not download the model (${source.url}: HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

async function handle(req: WorkerRequest): Promise<void> {
  const reply = (msg: WorkerResponse, transfer: Transferable[] = []) => self.postMessage(msg, transfer);
  try {
    if (req.type === 'load') {
      const t0 = performance.now();
      const bytes = await modelBytes(req.source);
      const t1 = performance.now();
      await generator?.dispose();
      generator = undefined;
      // onnxruntime-web may take ownership of the buffer it is given: keep our own copy for the summary.
      generator = await loadGenerator(bytes.slice(), { wasmPaths: req.wasmPaths });
      const timings = { fetchMs: t1 - t0, openMs: performance.now() - t1 };
      reply({ type: 'loaded', id: req.id, info: generator.info, summary: summarizeModel(bytes), timings });
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
    reply({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}

// Chain requests so a sample never runs before the load it depends on.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  queue = queue.then(() => handle(ev.data));
};
