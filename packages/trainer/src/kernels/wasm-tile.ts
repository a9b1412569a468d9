/**
 * Tile for the wasm backend. Its own kernel computes a source index per element; BatchNorm's
 * gradient tiles a [1,1,1,C] factor to the whole activation several times a step (measured ~120 ms
 * a call on [64,14,14,64]). Here each output row of the trailing un-repeated dims is one block copy.
 */
import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { type WasmBackend } from './wasm-backend';

/** Writes x (shape) tiled by reps into out. */
export function tileRows(
  src: backend_util.TypedArray,
  shape: number[],
  reps: number[],
  out: backend_util.TypedArray,
): void {
  // Trailing dims that are not repeated form contiguous rows of the source.
  let j = shape.length;
  let rowLen = 1;
  while (j > 0 && reps[j - 1] === 1) rowLen *= shape[--j]!;
  const outDims = shape.slice(0, j).map((d, i) => d * reps[i]!);
  const rows = outDims.reduce((a, b) => a * b, 1);
  const stride = new Array<number>(j); // source stride of dim i, in rows
  for (let i = j - 1, s = 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i]!;
  }
  const idx = new Array<number>(j).fill(0);
  const coord = new Array<number>(j).fill(0);
  let srcRow = 0;
  for (let r = 0; r < rows; r++) {
    const from = srcRow * rowLen;
    if (rowLen === 1) out[r] = src[from]!;
    else out.set(src.subarray(from, from + rowLen), r * rowLen);
    for (let i = j - 1; i >= 0; i--) {
      idx[i]!++;
      coord[i]!++;
      srcRow += stride[i]!;
      if (coord[i] === shape[i]) {
        coord[i] = 0;
        srcRow -= shape[i]! * stride[i]!;
      }
      if (idx[i]! < outDims[i]!) break;
      idx[i] = 0;
    }
  }
}

export function tileWasm(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { reps } = args.attrs as unknown as { reps: number[] };
    if (x.dtype === 'string' || reps.length !== x.shape.length) return original.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackend;
    const out = backend.makeOutput(
      x.shape.map((d, i) => d * reps[i]!),
      x.dtype,
    );
    tileRows(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
    return out;
  };
  return { ...original, kernelFunc };
}
