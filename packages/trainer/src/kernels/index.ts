/**
 * GANForge's kernel overrides for TF.js backends, all registered here. Call before the backend is
 * initialised so each kernel's setup runs once with the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { withoutTransposeFlags } from './wasm-matmul';

let wasmDone = false;

function replace(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

export function registerWasmKernels(): void {
  if (wasmDone) return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose)
    throw new Error('the wasm backend has no Transpose kernel; is @tensorflow/tfjs-backend-wasm loaded?');
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm');
    if (original) replace(withoutTransposeFlags(original, transpose));
  }
  wasmDone = true;
}
