/**
 * GANForge's kernel overrides for TF.js backends, all registered here. Call before the backend is
 * initialised so each kernel's setup runs once with the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, withExplicitSamePadding } from './wasm-conv';
import { withoutTransposeFlags } from './wasm-matmul';

let wasmDone = false;

function replace(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName))
    tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

function wasmKernel(name: string): tf.KernelConfig {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`the wasm backend has no ${name} kernel; is @tensorflow/tfjs-backend-wasm loaded?`);
  return k;
}

export function registerWasmKernels(): void {
  if (wasmDone) return;
  const transpose = wasmKernel('Transpose');
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm');
    if (original) replace(withoutTransposeFlags(original, transpose));
  }
  // The backward kernels call the original Conv2D with explicit pads only.
  const convKernels = { conv2d: wasmKernel('Conv2D'), transpose, slice: wasmKernel('Slice') };
  replace(withExplicitSamePadding(convKernels.conv2d));
  replace(withExplicitSamePadding(wasmKernel('FusedConv2D')));
  replace(conv2dBackpropFilterWasm(convKernels));
  replace(conv2dBackpropInputWasm(convKernels));
  wasmDone = true;
}
