/**
 * Pieces TF.js lacks for two training features, added on demand (never by importing a module):
 * - the Embedding gradient (GatherV2's) needs an UnsortedSegmentSum kernel, which the wasm backend
 *   does not have: conditional models could not train there;
 * - the gradient penalty differentiates a gradient; LeakyReLU's gradient uses Greater, which has no
 *   gradient of its own (it is a step: zero almost everywhere, like GreaterEqual's registered one).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

interface WasmLike {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tfTypes.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export function ensureTrainingSupport(tf: typeof tfTypes, backend: string): void {
  if (!tf.getGradient('Greater')) {
    tf.registerGradient({
      kernelName: 'Greater',
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved as [tfTypes.Tensor, tfTypes.Tensor];
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
  }
  if (backend === 'wasm' && !tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend: b, attrs }) => {
        const wasm = b as unknown as WasmLike;
        const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
        const numSegments = (attrs as { numSegments: number }).numSegments;
        const xs = wasm.readSync(x.dataId);
        const ids = wasm.readSync(segmentIds.dataId);
        const inner = x.shape.slice(segmentIds.shape.length).reduce((p, d) => p * d, 1);
        const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
        const o = wasm.typedArrayFromHeap(out);
        o.fill(0);
        for (let i = 0; i < ids.length; i++) {
          const s = ids[i]!;
          if (s < 0 || s >= numSegments) continue;
          for (let k = 0; k < inner; k++) o[s * inner + k] = o[s * inner + k]! + xs[i * inner + k]!;
        }
        return out;
      },
    });
  }
}
