/** The parts of TF.js's wasm backend that GANForge's kernels use (its class is not exported as a type). */
import type { backend_util, DataType, TensorInfo } from '@tensorflow/tfjs';

export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): backend_util.TypedArray;
  disposeData(dataId: object): boolean;
}

/** A convolution's `pad` attribute. */
export type Pad = 'same' | 'valid' | number | backend_util.ExplicitPadding;
