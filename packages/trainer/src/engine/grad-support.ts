/**
 * Pieces TF.js lacks or gets wrong for training, added on demand (never by importing a module):
 * - the Embedding gradient (GatherV2's) needs an UnsortedSegmentSum kernel, which the wasm backend
 *   does not have: conditional models could not train there;
 * - the gradient penalty differentiates a gradient; LeakyReLU's gradient uses Greater, which has no
 *   gradient of its own (it is a step: zero almost everywhere, like GreaterEqual's registered one);
 * - UpSampling2D's gradient on the cpu backend mixes up the examples after the first of a batch (its
 *   ResizeNearestNeighborGrad kernel; wasm's is right): for whole upsampling factors the gradient is
 *   the sum over each pixel's copies, written here with reshape and sum on any backend;
 * - Tile's gradient adds up one slice per copy: a BatchNorm's statistics tiled over a batch of images
 *   (as differentiating its gradient does, for R1 or the gradient penalty) make thousands of tiny
 *   additions, slow everywhere and aborting the wasm backend. It is the sum over the copies, written
 *   here as one reshape and one sum.
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
  const nearest = tf.getGradient('ResizeNearestNeighbor');
  if (nearest && !(nearest as { wholeFactors?: boolean }).wholeFactors) {
    const gradient = {
      ...nearest,
      wholeFactors: true,
      gradFunc: (
        dy: tfTypes.Tensor | tfTypes.Tensor[],
        saved: tfTypes.Tensor[],
        attrs: tfTypes.NamedAttrMap,
      ) => {
        const [n, h, w, c] = saved[0]!.shape as number[];
        const { alignCorners, halfPixelCenters, size } = attrs as {
          alignCorners: boolean;
          halfPixelCenters: boolean;
          size: [number, number];
        };
        const [H, W] = size;
        if (alignCorners || halfPixelCenters || H! % h! !== 0 || W! % w! !== 0) {
          return nearest.gradFunc(dy, saved, attrs);
        }
        const d = dy as tfTypes.Tensor;
        return { images: () => tf.sum(tf.reshape(d, [n!, h!, H! / h!, w!, W! / w!, c!]), [2, 4]) };
      },
    };
    tf.registerGradient(gradient as tfTypes.GradConfig);
  }
  const tile = tf.getGradient('Tile');
  if (tile && !(tile as { bySum?: boolean }).bySum) {
    tf.registerGradient({
      kernelName: 'Tile',
      inputsToSave: ['x'],
      bySum: true,
      gradFunc: (
        dy: tfTypes.Tensor | tfTypes.Tensor[],
        saved: tfTypes.Tensor[],
        attrs: tfTypes.NamedAttrMap,
      ) => {
        const x = saved[0]!;
        const { reps } = attrs as unknown as { reps: number[] };
        // dy's axis k is reps[k] copies of x's axis k, one after the other.
        const split = reps.flatMap((r, k) => [r, x.shape[k]!]);
        const copies = reps.map((_, k) => 2 * k);
        return { x: () => tf.sum(tf.reshape(dy as tfTypes.Tensor, split), copies) };
      },
    } as tfTypes.GradConfig);
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
