/**
 * GANForge's wasm kernel overrides, for browsers and Node alike. TF.js's wasm backend has no
 * Conv2DBackpropFilter at all (so a DCGAN cannot train on it without this) and a naive loop for
 * Conv2DBackpropInput, the forward pass of Conv2DTranspose; wasm-conv.ts runs both on XNNPACK's Conv2D.
 * The Node entry (index.ts) puts onnxruntime-node's convolutions in front of those; a browser cannot
 * load them and calls registerBrowserWasmKernels. Call once the wasm backend is registered, before it trains.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm, conv2dBackpropInputWasm, withExplicitSamePadding } from './wasm-conv';
import { withoutTransposeFlags } from './wasm-matmul';
import { leadingAxesReduce } from './wasm-reduce';
import { tileWasm } from './wasm-tile';

/** Wrappers that run a convolution natively and fall back to the kernel they wrap. */
export interface NativeConvolutions {
  conv2d(k: tf.KernelConfig): tf.KernelConfig;
  backpropFilter(k: tf.KernelConfig): tf.KernelConfig;
  backpropInput(k: tf.KernelConfig): tf.KernelConfig;
}

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

/** Registers the overrides once; `native` convolutions go in front of the wasm XNNPACK ones. */
export function registerWasmOverrides(native?: NativeConvolutions): void {
  if (done) return;
  const transpose = wasmKernel('Transpose');
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm');
    if (original) replace(withoutTransposeFlags(original, transpose));
  }
  const same = (k: tf.KernelConfig) => k;
  const wrap = native ?? { conv2d: same, backpropFilter: same, backpropInput: same };
  // The wasm versions call the original Conv2D with explicit pads only.
  const convKernels = { conv2d: wasmKernel('Conv2D'), transpose, slice: wasmKernel('Slice') };
  replace(wrap.conv2d(withExplicitSamePadding(convKernels.conv2d)));
  replace(wrap.conv2d(withExplicitSamePadding(wasmKernel('FusedConv2D'))));
  replace(wrap.backpropFilter(conv2dBackpropFilterWasm(convKernels)));
  replace(wrap.backpropInput(conv2dBackpropInputWasm(convKernels)));
  replace(tileWasm(wasmKernel('Tile')));
  replace(leadingAxesReduce(wasmKernel('Sum'), false));
  replace(leadingAxesReduce(wasmKernel('Mean'), true));
  done = true;
}

/** The overrides for browsers: the wasm ones alone. */
export function registerBrowserWasmKernels(): void {
  registerWasmOverrides();
}
