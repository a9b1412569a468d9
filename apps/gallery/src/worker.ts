/// <reference lib="webworker" />
/** Runs the generator off the main thread: one model per worker, requests answered in order. */
import { loadGenerator, type Generator } from '@ganforge/inference';
import type { SampleResult, WorkerRequest, WorkerResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let generator: Generator | undefined;

function transferables(result: SampleResult): ArrayBuffer[] {
  const arrays = result.kind === 'image' ? [result.pixels, result.latents] : [result.points, result.latents];
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

async function handle(req: WorkerRequest): Promise<void> {
  const reply = (msg: WorkerResponse, transfer: Transferable[] = []) => self.postMessage(msg, transfer);
  try {
    if (req.type === 'load') {
      const res = await fetch(req.modelUrl);
      if (!res.ok) throw new Error(`could not download the model (${req.modelUrl}: HTTP ${res.status})`);
      await generator?.dispose();
      generator = await loadGenerator(new Uint8Array(await res.arrayBuffer()), { wasmPaths: req.wasmPaths });
      reply({ type: 'loaded', id: req.id, info: generator.info });
    } else {
      if (!generator) throw new Error('no model loaded yet');
      const result = await generator.sample({ count: req.count, seed: req.seed });
      // Drop buffers shared between results before transferring, so each is sent once.
      reply({ type: 'sampled', id: req.id, result }, [...new Set(transferables(result))]);
    }
  } catch (e) {
    reply({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}

// Chain requests so a sample never runs before the load it depends on.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  queue = queue.then(() => handle(ev.data));
};
