/**
 * GANForge's kernel overrides for TF.js backends in Node: the wasm overrides (browser.ts) with
 * onnxruntime-node's convolutions in front. Call before the backend is initialised so each kernel's
 * setup runs once with the backend.
 */
import { registerWasmOverrides } from './browser';
import { ortConv2d, ortConv2dBackpropFilter, ortConv2dBackpropInput } from './ort-conv';

export function registerWasmKernels(): void {
  // Native (onnxruntime-node) convolutions first; each falls back to the wasm XNNPACK versions.
  registerWasmOverrides({
    conv2d: ortConv2d,
    backpropFilter: ortConv2dBackpropFilter,
    backpropInput: ortConv2dBackpropInput,
  });
}

export { ortConvActive, setOrtConv } from './ort-conv';
