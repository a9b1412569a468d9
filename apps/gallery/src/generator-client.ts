/** The page's handle on the generation worker: promise-based load/sample over postMessage. */
import type { GeneratorInfo, SampleResult, WorkerRequest, WorkerResponse } from './protocol';

export class GenerationError extends Error {
  override name = 'GenerationError';
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (msg: WorkerResponse) => void; reject: (e: Error) => void };

export class GeneratorClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      if (ev.data.type === 'error') p.reject(new GenerationError(ev.data.message));
      else p.resolve(ev.data);
    };
    this.worker.onerror = (ev) =>
      this.failAll(`the generation worker failed: ${ev.message || 'unknown error'}`);
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new GenerationError(message));
    this.pending.clear();
  }

  private request(req: WithoutId<WorkerRequest>): Promise<WorkerResponse> {
    const id = this.nextId++;
    const message: WorkerRequest = { ...req, id };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  async load(modelUrl: string, wasmPaths: string): Promise<GeneratorInfo> {
    const msg = await this.request({ type: 'load', modelUrl, wasmPaths });
    if (msg.type !== 'loaded') throw new GenerationError(`unexpected worker reply ${msg.type}`);
    return msg.info;
  }

  async sample(count: number, seed: number): Promise<SampleResult> {
    const msg = await this.request({ type: 'sample', count, seed });
    if (msg.type !== 'sampled') throw new GenerationError(`unexpected worker reply ${msg.type}`);
    return msg.result;
  }

  dispose(): void {
    this.failAll('the page was closed');
    this.worker.terminate();
  }
}
