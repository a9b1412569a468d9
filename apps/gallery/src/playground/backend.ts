/**
 * Picks the TF.js backend in the worker. Auto tries wasm first (with SIMD where the browser has it: the
 * playground's nets are small dense layers, where wasm beats WebGL's per-op upload and readback), then
 * WebGL, then the plain JavaScript cpu backend; the page names the one in use and why.
 */
import { tf } from '@ganforge/trainer/browser';
// The wasm binaries are served by the site itself (the CSP allows nothing else).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendChoice } from './settings';

export interface ChosenBackend {
  /** What the page shows, e.g. "wasm (SIMD)". */
  label: string;
  note: string;
}

async function tryWasm(): Promise<string | null> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
  // Threads need cross-origin isolation, which a static host rarely gives; without it, don't try.
  if (!self.crossOriginIsolated) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) return null;
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return simd ? 'wasm (SIMD)' : 'wasm (no SIMD)';
}

async function trySimple(name: 'webgl' | 'cpu'): Promise<string | null> {
  if (!(await tf.setBackend(name))) return null;
  await tf.ready();
  return name === 'webgl' ? 'WebGL' : 'cpu (JavaScript)';
}

let current: { choice: BackendChoice; chosen: ChosenBackend } | undefined;

export async function chooseBackend(choice: BackendChoice): Promise<ChosenBackend> {
  if (current?.choice === choice) return current.chosen;
  const order: ('wasm' | 'webgl' | 'cpu')[] = choice === 'auto' ? ['wasm', 'webgl', 'cpu'] : [choice];
  const failed: string[] = [];
  for (const name of order) {
    let label: string | null = null;
    try {
      label = name === 'wasm' ? await tryWasm() : await trySimple(name);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
      continue;
    }
    if (!label) {
      failed.push(`${name}: not available in this browser`);
      continue;
    }
    const why = choice === 'auto' ? 'picked automatically' : 'as chosen';
    const chosen = { label, note: failed.length ? `${why}; ${failed.join('; ')}` : why };
    current = { choice, chosen };
    return chosen;
  }
  throw new Error(`no TF.js backend could start (${failed.join('; ')}): try another browser`);
}
