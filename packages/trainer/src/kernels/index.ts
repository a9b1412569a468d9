/**
 * GANForge's kernel overrides for TF.js backends, all registered here. Call before the backend is
 * initialised so each kernel's setup runs once with the backend.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, withExplicitSamePadding } from './wasm-conv';
import { ortConv2d, ortConv2dBackpropFilter, ortConv2dBackpropInput } from './ort-conv';
import { withoutTransposeFlags } from './wasm-matmul';
import { leadingAxesReduce } from './wasm-reduce';
import { tileWasm } from './wasm-tile';

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
  // Native (onnxruntime-node) convolutions first; each falls back to the wasm XNNPACK versions,
  // which call the original Conv2D with explicit pads only.
  const convKernels = { conv2d: wasmKernel('Conv2D'), transpose, slice: wasmKernel('Slice') };
  replace(ortConv2d(withExplicitSamePadding(convKernels.conv2d)));
  replace(ortConv2d(withExplicitSamePadding(wasmKernel('FusedConv2D'))));
  replace(ortConv2dBackpropFilter(conv2dBackpropFilterWasm(convKernels)));
  replace(ortConv2dBackpropInput(conv2dBackpropInputWasm(convKernels)));
  replace(tileWasm(wasmKernel('Tile')));
  replace(leadingAxesReduce(wasmKernel('Sum'), false));
  replace(leadingAxesReduce(wasmKernel('Mean'), true));
  wasmDone = true;
}

export { ortConvActive, setOrtConv } from './ort-conv';
