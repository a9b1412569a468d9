/**
 * Sum and Mean over leading axes for the wasm backend. Its kernels reduce innermost axes only, so a
 * per-channel reduction of an NHWC tensor (bias gradients, BatchNorm statistics) first transposes the
 * whole tensor. Reducing rows into per-column accumulators reads it once, in order, instead.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { type WasmBackend } from './wasm-backend';

/** Column sums of a [rows, cols] float32 matrix, accumulated in float64. */
export function columnSums(x: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  for (let r = 0, o = 0; r < rows; r++, o += cols) for (let c = 0; c < cols; c++) acc[c]! += x[o + c]!;
  return acc;
}

export function leadingAxesReduce(original: KernelConfig, mean: boolean): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
      (a, b) => a - b,
    );
    // Only a proper leading prefix [0..k-1]; inner-axis reductions are already fast.
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return original.kernelFunc(args);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const outShape = x.shape.slice(axes.length);
    const cols = outShape.reduce((a, b) => a * b, 1);
    const backend = args.backend as unknown as WasmBackend;
    const sums = columnSums(backend.typedArrayFromHeap(x) as Float32Array, rows, cols);
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...outShape] : outShape, 'float32');
    const ov = backend.typedArrayFromHeap(out) as Float32Array;
    for (let c = 0; c < cols; c++) ov[c] = mean ? sums[c]! / rows : sums[c]!;
    return out;
  };
  return { ...original, kernelFunc };
}
