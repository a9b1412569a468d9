/**
 * Picks the engine in the worker: a TF.js backend, or in image mode the compiled step (compiled.ts, on
 * onnxruntime-web, on the CPU or on WebGPU; TF.js on wasm still draws the grid and scores coverage
 * beside it). Auto times a few steps of the run's own model and keeps the fastest: in 2-D mode on wasm
 * (with SIMD where the browser has it) and on the plain JavaScript cpu backend — for the playground's
 * small dense nets the winner depends on their size (measured in headless Chromium: the d2l network
 * trains faster on cpu, wider MLPs on wasm) —, in image mode on the compiled step, on WebGPU where the
 * browser offers a hardware adapter, and on wasm (the cpu backend, seconds a DCGAN step, is image
 * mode's fallback). A software adapter (SwiftShader, a GPU emulated on the CPU: a DCGAN-28 step takes
 * over a minute) is not timed; WebGPU runs there only when asked for. WebGL, slowest for nets this
 * small (its per-op upload and readback dominate), is used when asked for, or when none of the others
 * starts. The wasm backend runs with the trainer's kernel overrides (its browser set:
 * src/kernels/browser.ts).
 */
import { registerBrowserWasmKernels, tf } from '@ganforge/trainer/browser';
// The wasm binaries are served by the site itself (the CSP allows nothing else).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { compiledLabel, gpuAdapter, loadRuntime, type CompiledDevice } from './compiled';
import type { BackendChoice } from './settings';

type Name = Exclude<BackendChoice, 'auto'>;

export interface ChosenBackend {
  /** The backend in use (what a share link pins), and what the page shows, e.g. "wasm (SIMD)". */
  name: Name;
  label: string;
  note: string;
}

let wasmPathsSet = false;
let wasmLabel = 'wasm';

async function tryWasm(): Promise<string | null> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Once only: the paths cannot change after the backend has started.
  if (wasmPathsSet) return (await tf.setBackend('wasm')) ? wasmLabel : null;
  wasmPathsSet = true;
  // The trainer's wasm kernels: without them the wasm backend cannot train a convolution (no
  // Conv2DBackpropFilter), and runs ConvTranspose as a naive loop.
  registerBrowserWasmKernels();
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  // One thread, even on a cross-origin isolated page: TF.js's threaded build starts its threads from
  // blob: URLs, which the Content-Security-Policy (worker-src 'self') refuses.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) return null;
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  wasmLabel = simd ? 'TF.js wasm (SIMD)' : 'TF.js wasm (no SIMD)';
  return wasmLabel;
}

async function trySimple(name: 'webgl' | 'cpu'): Promise<string | null> {
  if (!(await tf.setBackend(name))) return null;
  await tf.ready();
  return name === 'webgl' ? 'TF.js WebGL' : 'TF.js cpu (JavaScript)';
}

/** The compiled step on `device`: onnxruntime-web loaded, and TF.js on wasm (else cpu) for what it draws. */
async function tryCompiled(device: CompiledDevice): Promise<string | null> {
  if (device === 'webgpu' && !(await gpuAdapter()))
    throw new Error('this browser offers no WebGPU adapter (it needs a GPU, and WebGPU enabled)');
  if (!(await tryWasm()) && !(await trySimple('cpu'))) return null;
  await loadRuntime(device);
  return compiledLabel(device);
}

/** Switches to `name`; its label, or null when this browser cannot run it. */
async function use(name: Name): Promise<string | null> {
  if (name === 'compiled') return tryCompiled('wasm');
  if (name === 'webgpu') return tryCompiled('webgpu');
  return name === 'wasm' ? tryWasm() : trySimple(name);
}

/** Image mode's candidates for auto: WebGPU first where the adapter is hardware, with why it is left out. */
async function imageCandidates(failed: string[]): Promise<Name[]> {
  const gpu = await gpuAdapter();
  if (gpu && !gpu.software) return ['webgpu', 'compiled', 'wasm'];
  failed.push(
    gpu
      ? `webgpu: not timed, the adapter (${gpu.name}) is a software one, slower than the CPU`
      : 'webgpu: this browser offers no WebGPU adapter',
  );
  return ['compiled', 'wasm'];
}

/** Milliseconds per training step of the run's model on the engine `name` (made active first). */
export type Probe = (name: Name) => Promise<number>;

/** Auto's verdicts, by the model and batch they were timed on. */
const verdicts = new Map<string, { name: Name; note: string }>();

async function auto(key: string, probe: Probe, images: boolean): Promise<ChosenBackend> {
  const known = verdicts.get(key);
  if (known) {
    const label = await use(known.name);
    if (label) return { name: known.name, label, note: known.note };
  }
  const failed: string[] = [];
  const timed: { name: Name; label: string; ms: number }[] = [];
  // Image mode leaves out the cpu backend: a DCGAN step on it takes seconds even at a batch of 2.
  const candidates: Name[] = images ? await imageCandidates(failed) : ['wasm', 'cpu'];
  for (const name of candidates) {
    try {
      const label = await use(name);
      if (label) timed.push({ name, label, ms: await probe(name) });
      else failed.push(`${name}: not available in this browser`);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
  }
  if (timed.length === 0) return chooseBackend(images ? 'cpu' : 'webgl', probe, failed);
  const best = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
  const times = timed.map((t) => `${t.name} ${t.ms.toFixed(1)} ms/step`).join(', ');
  const note = `picked automatically, the faster here (${times})${failed.length ? `; ${failed.join('; ')}` : ''}`;
  verdicts.set(key, { name: best.name, note });
  await use(best.name);
  return { name: best.name, label: best.label, note };
}

/**
 * Makes `choice` the active backend. For auto, `key` names the model being trained (the verdict is kept
 * per model) and `probe` times its steps; `images`: image mode, where the compiled step is a candidate
 * (2-D mode's tiny nets train on TF.js, and a link asking for the compiled step there gets auto).
 */
export async function chooseBackend(
  choice: BackendChoice,
  probe: Probe,
  failed: string[] = [],
  key = '',
  images = false,
): Promise<ChosenBackend> {
  if ((choice === 'compiled' || choice === 'webgpu') && !images) {
    const picked = await auto(key, probe, false);
    return { ...picked, note: `the compiled step trains image mode only; ${picked.note}` };
  }
  if (choice === 'auto') return auto(key, probe, images);
  try {
    const label = await use(choice);
    if (label)
      return {
        name: choice,
        label,
        note: failed.length ? `as a fallback; ${failed.join('; ')}` : 'as chosen',
      };
    failed.push(`${choice}: not available in this browser`);
  } catch (e) {
    failed.push(`${choice}: ${(e as Error).message}`);
  }
  throw new Error(`the engine could not start (${failed.join('; ')}): choose another engine`);
}
