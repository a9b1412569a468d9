/**
 * Picks the TF.js backend once per process: native libtensorflow through the optional
 * @tensorflow/tfjs-node when it loads, otherwise the wasm backend (XNNPACK, SIMD) with GANForge's
 * kernels (src/kernels), whose convolutions run natively through onnxruntime-node.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels, setOrtConv } from './index';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let chosen: Promise<BackendName> | undefined;

async function tryNative(): Promise<boolean> {
  try {
    // Optional dependency: absent or unloadable (no libtensorflow) on many machines.
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    return tf.findBackend('tensorflow') !== undefined && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

async function init(preferred?: BackendName): Promise<BackendName> {
  if (preferred === 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  }
  if (preferred !== 'wasm' && (await tryNative())) return 'tensorflow';
  if (preferred === 'tensorflow') {
    throw new Error('backend "tensorflow" requested but @tensorflow/tfjs-node could not be loaded');
  }
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmKernels();
  // Convolutions run natively through onnxruntime-node when it loads; GANFORGE_WASM_CONV=xnnpack
  // keeps them in wasm, GANFORGE_ORT_THREADS sets onnxruntime's intra-op threads (default 1).
  const threads = Number(process.env.GANFORGE_ORT_THREADS ?? 1);
  setOrtConv(
    process.env.GANFORGE_WASM_CONV !== 'xnnpack',
    Number.isInteger(threads) && threads > 0 ? threads : 1,
  );
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend failed to initialise');
  await tf.ready();
  return 'wasm';
}

/**
 * Initialises the backend (idempotent). `preferred` forces one; by default native is tried first.
 * The environment variable GANFORGE_BACKEND (tensorflow|wasm|cpu) overrides the default.
 */
export function initBackend(preferred?: BackendName): Promise<BackendName> {
  const env = process.env.GANFORGE_BACKEND as BackendName | undefined;
  chosen ??= init(preferred ?? env);
  return chosen;
}

export { tf };
