/**
 * Numerical parity: runs the exported ONNX in onnxruntime-node and the source model in TF.js on the
 * same random inputs and reports the largest absolute difference per batch size.
 */
import * as ort from 'onnxruntime-node';
import { normalsFrom } from '@ganforge/inference/random';
import { initBackend, tf } from '@ganforge/trainer';
import type { InputBinding } from './convert/convert';
// onnxruntime-node's Linux build sends telemetry by default and leaves an empty
// /tmp/mat-debug-<pid>.log behind every process that opens a session: off, unless the user set it.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export const DEFAULT_VERIFY_BATCHES = [1, 7];
/** Above this the CLI fails the export. */
export const PARITY_TOLERANCE = 1e-4;
/**
 * With --fp16 the weights are rounded to float16 (relative error up to 2^-11 each), so outputs move by
 * far more than float32 noise. 5e-3 is under 2/3 of one 8-bit level of an image over [-1, 1]
 * (2/255 = 7.8e-3): the picture is the same. Every preset measures 2e-4 to 4e-4.
 */
export const FP16_PARITY_TOLERANCE = 5e-3;

export interface VerifyOptions {
  batches?: number[];
  seed?: number;
  /** Layout of a 4-D ONNX output: NCHW (default) is compared against the transposed TF.js output. */
  layout?: 'NCHW' | 'NHWC' | 'flat';
}

export interface BatchDiff {
  batch: number;
  maxAbsDiff: number;
}

export interface VerifyReport {
  /** Largest |TF.js - onnxruntime| over all batches (Infinity if either side produced NaN). */
  maxAbsDiff: number;
  batches: BatchDiff[];
}

/** Small seeded generator (mulberry32) so a failing comparison can be reproduced. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function verifyExport(
  model: tf.LayersModel,
  onnx: Uint8Array,
  bindings: InputBinding[],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  await initBackend();
  const session = await ort.InferenceSession.create(onnx);
  const next = rng(options.seed ?? 1234);
  // One value per two uniforms (the sine dropped): the inputs every export has been verified on.
  const normal = normalsFrom(next, { pairs: false });
  const batches: BatchDiff[] = [];
  try {
    for (const batch of options.batches ?? DEFAULT_VERIFY_BATCHES) {
      const feeds: Record<string, ort.Tensor> = {};
      const tfInputs: tf.Tensor[] = [];
      for (const b of bindings) {
        const tfShape = (model.inputs[b.tfIndex] as tf.SymbolicTensor).shape.map((d) => d ?? batch);
        if (b.name === 'z') {
          const z = Float32Array.from({ length: batch * (b.dims[0] as number) }, normal);
          feeds[b.name] = new ort.Tensor('float32', z, [batch, ...b.dims]);
          tfInputs[b.tfIndex] = tf.tensor(z, tfShape);
        } else {
          const labels = Array.from({ length: batch }, () => Math.floor(next() * (b.numClasses ?? 1)));
          feeds[b.name] = new ort.Tensor('int64', BigInt64Array.from(labels.map(BigInt)), [batch]);
          tfInputs[b.tfIndex] = tf.tensor(labels, tfShape);
        }
      }
      const result = await session.run(feeds);
      const onnxOut = result[session.outputNames[0] as string] as ort.Tensor;
      const dims = onnxOut.dims.map(Number);
      const expected = tf.tidy(() => {
        const y = model.predict(tfInputs) as tf.Tensor;
        // TF.js is NHWC; the ONNX image is NCHW.
        if (dims.length === 4 && (options.layout ?? 'NCHW') === 'NCHW') {
          const [n, c, h, w] = dims as [number, number, number, number];
          return tf.transpose(tf.reshape(y, [n, h, w, c]), [0, 3, 1, 2]);
        }
        return tf.reshape(y, dims);
      });
      const want = expected.dataSync();
      expected.dispose();
      tfInputs.forEach((t) => t.dispose());
      const got = onnxOut.data as Float32Array;
      if (got.length !== want.length)
        throw new Error(`ONNX output has ${got.length} values, TF.js ${want.length}`);
      let max = 0;
      for (let i = 0; i < got.length; i++) {
        const d = Math.abs((got[i] as number) - (want[i] as number));
        max = Number.isNaN(d) ? Infinity : Math.max(max, d);
      }
      batches.push({ batch, maxAbsDiff: max });
    }
  } finally {
    await session.release();
  }
  return { maxAbsDiff: Math.max(...batches.map((b) => b.maxAbsDiff)), batches };
}
