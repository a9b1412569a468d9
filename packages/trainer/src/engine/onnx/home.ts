/**
 * What the compiled engine (engine.ts) needs of the place it runs in, its home: an onnxruntime module
 * and a way to open the step graphs on it. The engine builds the graphs and runs the steps the same
 * everywhere; a home only opens sessions and says where the state lives between steps:
 *
 * - Node (node-engine.ts): onnxruntime-node on the provider `--provider` picks (provider.ts), with
 *   onnxruntime's per-operator profile read from its files;
 * - a browser or any JavaScript runtime (web-engine.ts): onnxruntime-web's wasm or WebGPU provider,
 *   the module handed in by the caller (a page bundles its own).
 *
 * A GPU provider in either home keeps the state on the device between steps (`openOnDevice`).
 *
 * Nothing here imports a runtime: the module is a parameter (ort.ts).
 */
import type { ProfileRow } from '../types';
import type { Ort, Session, SessionOptions } from './ort';
import { DeviceState, deviceOutputs, ioGraph, type StateStore, type StepSession } from './state-store';
import type { StateTensor, StepGraphSpec } from './step';

/** The step graphs to open, the state they read and write, and the shapes of their figures. */
export interface StepRequest {
  specs: StepGraphSpec[];
  state: StateTensor[];
  figureShapes: Record<string, number[]>;
}

/** The step graphs opened on an execution provider, with the store that keeps their state. */
export interface CompiledSteps {
  /** The provider for the run's first line: "CPU", "CUDA", "WebGPU (adapter not reported…)". */
  device: string;
  /** One line on what does not run where asked: operations on the CPU provider, or no adapter. */
  note?: string;
  /** One session per spec, in their order. */
  steps: StepSession[];
  store: StateStore;
}

export interface EngineHome {
  /** Opens the step graphs (one session each, in their order) and the store of their state. */
  open(request: StepRequest): Promise<CompiledSteps>;
  /** onnxruntime's time per operator type in `sessions`, where the home records a profile. */
  profile?(sessions: Session[]): ProfileRow[];
}

/** One session per spec, all with `options`; the ones opened are released if one fails. */
export async function openSessions(
  ort: Ort,
  specs: StepGraphSpec[],
  options: SessionOptions,
): Promise<StepSession[]> {
  const steps: StepSession[] = [];
  try {
    for (const spec of specs) {
      steps.push({ session: await ort.InferenceSession.create(spec.bytes, options), updates: spec.updates });
    }
  } catch (e) {
    for (const s of steps) void s.session.release();
    throw e;
  }
  return steps;
}

/** Opens one graph with these options (a home may watch where onnxruntime places its nodes). */
export type OpenGraph = (bytes: Uint8Array, options: SessionOptions) => Promise<Session>;

/**
 * The step graphs on a GPU provider (`options` name it), their state kept in GPU memory between steps
 * (DeviceState): each step asks for its state outputs there, and two sessions of the io graph carry the
 * state up (after loading) and down (for samples, checkpoints and export). All are released if one
 * fails to open.
 */
export async function openOnDevice(
  ort: Ort,
  request: StepRequest,
  options: SessionOptions,
  open: OpenGraph = (bytes, o) => ort.InferenceSession.create(bytes, o),
): Promise<Pick<CompiledSteps, 'steps' | 'store'>> {
  const steps: StepSession[] = [];
  const opened: Session[] = [];
  try {
    for (const spec of request.specs) {
      const session = await open(spec.bytes, {
        ...options,
        preferredOutputLocation: deviceOutputs(spec.updates),
      });
      opened.push(session);
      steps.push({ session, updates: spec.updates });
    }
    const io = ioGraph(request.state);
    const upload = await ort.InferenceSession.create(io, {
      ...options,
      preferredOutputLocation: 'gpu-buffer',
    });
    opened.push(upload);
    const download = await ort.InferenceSession.create(io, options);
    opened.push(download);
    return { steps, store: new DeviceState(ort, request.state, { upload, download }) };
  } catch (e) {
    for (const s of opened) void s.release();
    throw e;
  }
}
