/**
 * Where the compiled step's state (weights, BatchNorm statistics, optimizer slots, the EMA of G) lives
 * between steps, and how one step reads and writes it.
 *
 * - `HostState` (the cpu and cuda providers): two CPU buffers per tensor, read by one step and written
 *   by it through preallocated outputs, then swapped; nothing is allocated per step but the batch.
 * - `DeviceState` (webgpu, in Node or a browser): the state stays in GPU buffers. A step's state
 *   outputs are asked for in GPU memory (the session's `preferredOutputLocation`) and fed back as the
 *   next step's inputs, so a step copies the batch in and the figures out, nothing else. `pull()`
 *   brings the state back to the CPU copies (for samples, checkpoints and export) and `push()` sends
 *   the CPU copies out (after the weights are loaded), each as one call of a graph of Identity nodes.
 * - `ReturnedState` (onnxruntime-web's wasm provider, which copies every output out of its memory into
 *   a new array and leaves a preallocated CPU output unwritten): the state a step returns is the state
 *   the next one reads; nothing is copied but what onnxruntime-web copies in and out itself.
 */
import { Graph } from './graph';
import type { DataLocation, Ort, Session, Tensor } from './ort';
import { size as elementCount } from './shape';
import { FIGURES, next, type StateTensor } from './step';

/** One compiled step graph: its session, and the state it writes (as `<name>:next`). */
export interface StepSession {
  session: Session;
  updates: string[];
}

/** The figures a step outputs, by name (FIGURES). */
export type Figures = Record<string, Float32Array>;

export interface StateStore {
  /** The CPU copy of a state tensor: what loading fills, and what syncing reads after `pull()`. */
  host(name: string): Float32Array;
  /** Makes the CPU copies the state the next step reads (after they were filled). */
  push(): Promise<void>;
  /** Brings the state the steps wrote into the CPU copies. */
  pull(): Promise<void>;
  /** One step: `inputs` and the state in, the updated state kept, the figures returned. */
  run(graph: StepSession, inputs: Record<string, Tensor>): Promise<Figures>;
  dispose(): void;
}

const float = (ort: Ort, shape: number[]) =>
  new ort.Tensor('float32', new Float32Array(elementCount(shape)), shape);

/** Double CPU buffers, written in place by the step (preallocated outputs) and swapped. */
export class HostState implements StateStore {
  private readonly buffers = new Map<string, [Tensor, Tensor]>();
  private readonly current = new Map<string, 0 | 1>();
  private readonly figures: Record<string, Tensor>;

  constructor(
    ort: Ort,
    private readonly state: StateTensor[],
    figureShapes: Record<string, number[]>,
  ) {
    for (const t of state) {
      this.buffers.set(t.name, [float(ort, t.shape), float(ort, t.shape)]);
      this.current.set(t.name, 0);
    }
    this.figures = Object.fromEntries(Object.entries(figureShapes).map(([k, s]) => [k, float(ort, s)]));
  }

  private buffer(name: string, which = this.current.get(name)!): Tensor {
    return this.buffers.get(name)![which];
  }

  host(name: string): Float32Array {
    return this.buffer(name).data as Float32Array;
  }

  async push(): Promise<void> {}
  async pull(): Promise<void> {}

  async run(graph: StepSession, inputs: Record<string, Tensor>): Promise<Figures> {
    const feeds: Record<string, Tensor> = { ...inputs };
    for (const t of this.state) feeds[t.name] = this.buffer(t.name);
    const fetches: Record<string, Tensor> = { ...this.figures };
    for (const name of graph.updates)
      fetches[next(name)] = this.buffer(name, this.current.get(name) === 0 ? 1 : 0);
    await graph.session.run(feeds, fetches);
    for (const name of graph.updates) this.current.set(name, (1 - this.current.get(name)!) as 0 | 1);
    return Object.fromEntries(Object.entries(this.figures).map(([k, t]) => [k, t.data as Float32Array]));
  }

  dispose(): void {}
}

/** The state as the last step returned it: each step's outputs become the next step's inputs. */
export class ReturnedState implements StateStore {
  private readonly current = new Map<string, Tensor>();
  private readonly figureNames = Object.values(FIGURES);

  constructor(
    ort: Ort,
    private readonly state: StateTensor[],
  ) {
    for (const t of state) this.current.set(t.name, float(ort, t.shape));
  }

  host(name: string): Float32Array {
    return this.current.get(name)!.data as Float32Array;
  }

  async push(): Promise<void> {}
  async pull(): Promise<void> {}

  async run(graph: StepSession, inputs: Record<string, Tensor>): Promise<Figures> {
    const feeds: Record<string, Tensor> = { ...inputs };
    for (const t of this.state) feeds[t.name] = this.current.get(t.name)!;
    const out = await graph.session.run(feeds, [...this.figureNames, ...graph.updates.map(next)]);
    for (const name of graph.updates) this.current.set(name, out[next(name)]!);
    return Object.fromEntries(this.figureNames.map((f) => [f, out[f]!.data as Float32Array]));
  }

  dispose(): void {}
}

const IO_SUFFIX = ':io';

/** A graph that copies every state tensor through (Identity): uploads and downloads are its runs. */
export function ioGraph(state: StateTensor[]): Uint8Array {
  const g = new Graph('state_io');
  for (const t of state) g.output(g.input(t.name, t.shape), `${t.name}${IO_SUFFIX}`, t.shape);
  return g.encode();
}

/** Sessions of the io graph on the device: one returns GPU buffers (upload), one CPU ones (download). */
export interface IoSessions {
  upload: Session;
  download: Session;
}

/** The session options that keep a step graph's state outputs in GPU memory and its figures on the CPU. */
export function deviceOutputs(updates: string[]): Record<string, DataLocation> {
  const where: Record<string, DataLocation> = {};
  for (const name of updates) where[next(name)] = 'gpu-buffer';
  for (const f of Object.values(FIGURES)) where[f] = 'cpu';
  return where;
}

/** The state in GPU buffers (onnxruntime's GPU-located outputs), CPU copies only on push/pull. */
export class DeviceState implements StateStore {
  private readonly hostCopy = new Map<string, Tensor>();
  private readonly device = new Map<string, Tensor>();
  private readonly figureNames = Object.values(FIGURES);

  constructor(
    ort: Ort,
    private readonly state: StateTensor[],
    private readonly io: IoSessions,
  ) {
    for (const t of state) this.hostCopy.set(t.name, float(ort, t.shape));
  }

  host(name: string): Float32Array {
    return this.hostCopy.get(name)!.data as Float32Array;
  }

  async push(): Promise<void> {
    const out = await this.io.upload.run(Object.fromEntries(this.hostCopy));
    for (const t of this.state) this.replace(t.name, out[`${t.name}${IO_SUFFIX}`] as Tensor);
  }

  async pull(): Promise<void> {
    // Copied from the returned arrays: onnxruntime-web leaves a preallocated CPU output unwritten.
    const out = await this.io.download.run(this.stateFeeds());
    for (const t of this.state) this.host(t.name).set(out[`${t.name}${IO_SUFFIX}`]!.data as Float32Array);
  }

  private stateFeeds(): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = {};
    for (const t of this.state) feeds[t.name] = this.device.get(t.name) ?? this.hostCopy.get(t.name)!;
    return feeds;
  }

  /** The state tensor `name` is now `t`; the GPU buffer it had goes back to onnxruntime. */
  private replace(name: string, t: Tensor): void {
    this.device.get(name)?.dispose();
    this.device.set(name, t);
  }

  async run(graph: StepSession, inputs: Record<string, Tensor>): Promise<Figures> {
    const fetches = [...this.figureNames, ...graph.updates.map(next)];
    const out = await graph.session.run({ ...inputs, ...this.stateFeeds() }, fetches);
    for (const name of graph.updates) this.replace(name, out[next(name)] as Tensor);
    return Object.fromEntries(this.figureNames.map((f) => [f, out[f]!.data as Float32Array]));
  }

  dispose(): void {
    for (const t of this.device.values()) t.dispose();
    this.device.clear();
    void this.io.upload.release();
    void this.io.download.release();
  }
}
