/** The page's handle on the generation worker: promise-based load/sample over postMessage. */
import type {
  GeneratorInfo,
  LoadTimings,
  ModelProblem,
  ModelSourceMessage,
  ModelSummary,
  SampleResult,
  WorkerRequest,
  WorkerResponse,
} from './protocol';

export class GenerationError extends Error {
  override name = 'GenerationError';
  /** Why the SDK cannot use the model, when the worker said (see problemWords). */
  readonly reason: ModelProblem | undefined;
  constructor(message: string, reason?: ModelProblem) {
    super(message);
    this.reason = reason;
  }
}

const PROBLEM_WORDS: Record<ModelProblem, string> = {
  'needs-option': 'it does not say enough about itself for the gallery to drive it',
  'not-a-generator': 'it is not a generator (a classifier or a discriminator, perhaps)',
  'too-large': 'not even one sample of it fits in one call',
  unsupported: 'it has inputs or outputs the SDK cannot drive',
  contradiction: 'what it says about itself contradicts its graph',
};

/** Why a model cannot be used, in words for the page. */
export function problemWords(reason: ModelProblem): string {
  return PROBLEM_WORDS[reason];
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (msg: WorkerResponse) => void; reject: (e: Error) => void };

/** A worker started ahead of need (see GeneratorClient.prewarm), for the next page that needs one. */
let spare: GeneratorClient | undefined;

export class GeneratorClient {
  /**
   * Starts a worker and its runtime for the next model page, while the visitor is still on their way to
   * it (pointing at a run, dragging a file in): starting the runtime is most of a model page's wait.
   */
  static prewarm(wasmPaths: string): void {
    if (spare) return;
    spare = new GeneratorClient();
    // No reply: the worker starts its runtime and the next load waits for it.
    const warm: WorkerRequest = { type: 'warm', id: 0, wasmPaths };
    spare.worker.postMessage(warm);
  }

  /** The prewarmed worker if there is one, else a new one. */
  static take(): GeneratorClient {
    const client = spare ?? new GeneratorClient();
    spare = undefined;
    return client;
  }

  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
      const p = this.pending.get(ev.data.id);
      if (!p) return;
      this.pending.delete(ev.data.id);
      if (ev.data.type === 'error') p.reject(new GenerationError(ev.data.message, ev.data.reason));
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
    // A dropped file's bytes are handed over, not copied.
    const transfer = req.type === 'load' && 'bytes' in req.source ? [req.source.bytes] : [];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  async load(
    source: ModelSourceMessage,
    wasmPaths: string,
  ): Promise<{ info: GeneratorInfo; summary: ModelSummary; timings: LoadTimings }> {
    const msg = await this.request({ type: 'load', source, wasmPaths });
    if (msg.type !== 'loaded') throw new GenerationError(`unexpected worker reply ${msg.type}`);
    return { info: msg.info, summary: msg.summary, timings: msg.timings };
  }

  /** Seeded samples; `ms` is the time the worker spent generating them. */
  async sample(opts: {
    count: number;
    seed: number;
    truncation?: number;
    labels?: number[];
  }): Promise<{ result: SampleResult; ms: number }> {
    const msg = await this.request({ type: 'sample', ...opts });
    if (msg.type !== 'sampled') throw new GenerationError(`unexpected worker reply ${msg.type}`);
    return { result: msg.result, ms: msg.ms };
  }

  /** A slerp walk of `steps` frames from latent `from` to latent `to`, both ends included. */
  async interpolate(opts: {
    from: Float32Array;
    to: Float32Array;
    steps: number;
    label?: number;
  }): Promise<{ result: SampleResult; ms: number }> {
    const msg = await this.request({ type: 'interpolate', ...opts });
    if (msg.type !== 'sampled') throw new GenerationError(`unexpected worker reply ${msg.type}`);
    return { result: msg.result, ms: msg.ms };
  }

  dispose(): void {
    this.failAll('the page was closed');
    this.worker.terminate();
  }
}
