/**
 * The wasm kernel overrides for browsers: the same set as registerWasmKernels (index.ts) without the
 * onnxruntime-node convolutions, which a browser cannot load. TF.js's wasm backend has no
 * Conv2DBackpropFilter at all (so a DCGAN cannot train on it without this) and a naive loop for
 * Conv2DBackpropInput, the forward pass of Conv2DTranspose; wasm-conv.ts runs both on XNNPACK's Conv2D.
 * Call once the wasm backend is registered, before it trains.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, withExplicitSamePadding } from './wasm-conv';
import { withoutTransposeFlags } from './wasm-matmul';
import { leadingAxesReduce } from './wasm-reduce';
import { tileWasm } from './wasm-tile';

let done = false;

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

export function registerBrowserWasmKernels(): void {
  if (done) return;
  const transpose = wasmKernel('Transpose');
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm');
    if (original) replace(withoutTransposeFlags(original, transpose));
  }
  const convKernels = { conv2d: wasmKernel('Conv2D'), transpose, slice: wasmKernel('Slice') };
  replace(withExplicitSamePadding(convKernels.conv2d));
  replace(withExplicitSamePadding(wasmKernel('FusedConv2D')));
  replace(conv2dBackpropFilterWasm(convKernels));
  replace(conv2dBackpropInputWasm(convKernels));
  replace(tileWasm(wasmKernel('Tile')));
  replace(leadingAxesReduce(wasmKernel('Sum'), false));
  replace(leadingAxesReduce(wasmKernel('Mean'), true));
  done = true;
}
