/** The page's side of the training worker: requests with ids for the answers that come back. */
import { runtimeUrl } from '../dom';
import type { FromWorker, Snapshot, ToWorker } from './protocol';

type Ready = Extract<FromWorker, { type: 'ready' }>;

export interface WorkerEvents {
  ready(m: Ready): void;
  snapshot(s: Snapshot, playing: boolean): void;
  error(message: string): void;
}

export class TrainerClient {
  private readonly worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (m: FromWorker) => void; reject: (e: Error) => void }
  >();

  constructor(events: WorkerEvents) {
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if ('id' in m && m.id !== undefined && this.pending.has(m.id)) {
        const p = this.pending.get(m.id)!;
        this.pending.delete(m.id);
        if (m.type === 'error') p.reject(new Error(m.message));
        else p.resolve(m);
        return;
      }
      if (m.type === 'ready') events.ready(m);
      else if (m.type === 'snapshot') events.snapshot(m.snapshot, m.playing);
      else if (m.type === 'error') events.error(m.message);
    };
    this.worker.onerror = (e) =>
      events.error(`the training worker failed: ${e.message || 'it could not start'}`);
    this.send({ type: 'runtime', wasmPaths: runtimeUrl() });
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  private request<T extends FromWorker['type']>(
    m: ToWorker & { id: number },
  ): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, { resolve: resolve as (x: FromWorker) => void, reject });
      this.worker.postMessage(m);
    });
  }

  /** G(z) for count * latentDim latents, from the model being trained. */
  async sample(latents: Float32Array): Promise<Float32Array> {
    const m = await this.request<'samples'>({ type: 'sample', id: this.nextId++, latents });
    return m.points;
  }

  /** Every weight of G, then D, flattened (2-D mode; image mode answers none). */
  async weights(): Promise<Float32Array> {
    const m = await this.request<'weights'>({ type: 'weights', id: this.nextId++ });
    return m.values;
  }

  async exportOnnx(): Promise<{ bytes: Uint8Array; metadata: Record<string, string> }> {
    const m = await this.request<'exported'>({ type: 'export', id: this.nextId++ });
    return { bytes: m.bytes, metadata: m.metadata };
  }

  async runArchive(): Promise<{ bytes: Uint8Array; name: string }> {
    const m = await this.request<'archive'>({ type: 'archive', id: this.nextId++ });
    return { bytes: m.bytes, name: m.name };
  }
}
