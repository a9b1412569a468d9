/**
 * The tiny contract between the runtime-neutral generator and an onnxruntime flavour. node.ts passes
 * onnxruntime-node, browser.ts passes onnxruntime-web; both satisfy OrtLike, so nothing here imports either.
 */
import type { SessionOptions } from './types';

export type TensorData = Float32Array | BigInt64Array | Int32Array;

export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
  dispose(): void;
}

export interface OrtSessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  /** Computes only the outputs named in `fetches`. */
  run(
    feeds: Record<string, OrtTensorLike>,
    fetches: readonly string[],
  ): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

export interface OrtLike {
  InferenceSession: {
    create(buffer: Uint8Array, options?: SessionOptions): Promise<OrtSessionLike>;
  };
  Tensor: new (
    type: 'float32' | 'int64' | 'int32',
    data: TensorData,
    dims: readonly number[],
  ) => OrtTensorLike;
}
