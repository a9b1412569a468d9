/**
 * A feature extractor the user brings as an ONNX file (`eval --features model.onnx`): its first input
 * takes images as NCHW float32, its first output gives one vector per image ([N, D], or [N, D, 1, 1]
 * as a pooled convolution leaves it). Images go in as [-1, 1] or, with `range: [0, 1]`, mapped there.
 * Run with onnxruntime-node on the CPU; features only (no classes).
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type * as OrtTypes from 'onnxruntime-node';
import { EvalError } from '../errors';
import type { FeatureBatch, FeatureExtractor } from './extractor';

type Dim = number | string;

export interface OnnxFeatureOptions {
  /** Value range the model expects its pixels in: [-1, 1] (default) or e.g. [0, 1]. */
  range?: [number, number];
  /** Images per call when the model's batch dimension is free. */
  batch?: number;
}

const fixed = (d: Dim | undefined): number | undefined => (typeof d === 'number' && d > 0 ? d : undefined);

export class OnnxFeatures implements FeatureExtractor {
  readonly name: string;

  private constructor(
    private readonly session: OrtTypes.InferenceSession,
    private readonly ort: typeof OrtTypes,
    readonly inputShape: readonly [number, number, number],
    private readonly batch: number,
    /** The model's batch dimension is a number: every call gets exactly `batch` images. */
    private readonly fixedBatch: boolean,
    private readonly options: OnnxFeatureOptions,
    path: string,
  ) {
    this.name = `features:${basename(path)}`;
  }

  /**
   * Opens `path`; its free image dimensions (symbolic or -1) take those of the samples (`samples`
   * as [H, W, C]), so one model scores any size it accepts.
   */
  static async load(
    path: string,
    samples: readonly [number, number, number],
    options: OnnxFeatureOptions = {},
  ): Promise<OnnxFeatures> {
    if (!existsSync(path)) throw new EvalError(`feature model not found: ${path}`);
    process.env.ORT_DISABLE_TELEMETRY ??= '1';
    const ort = await import('onnxruntime-node');
    let session: OrtTypes.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path);
    } catch (e) {
      throw new EvalError(`cannot load ${path} as an ONNX model: ${(e as Error).message.split('\n')[0]}`);
    }
    const input = session.inputMetadata[0];
    const dims: readonly Dim[] = input?.isTensor ? input.shape : [];
    if (!input?.isTensor || input.type !== 'float32' || dims.length !== 4) {
      await session.release();
      throw new EvalError(
        `${path} must take one float32 NCHW image tensor as its first input (got ${input?.isTensor ? `${input.type} [${dims.join(', ')}]` : 'no tensor input'})`,
      );
    }
    const [n, c, h, w] = dims;
    const shape: [number, number, number] = [
      fixed(h) ?? samples[0],
      fixed(w) ?? samples[1],
      fixed(c) ?? samples[2],
    ];
    const batch = fixed(n) ?? options.batch ?? 100;
    return new OnnxFeatures(session, ort, shape, batch, fixed(n) !== undefined, options, path);
  }

  /** One call of the model on `m` NCHW images; the output checked to be one vector per image. */
  private async runBatch(nchw: Float32Array, m: number): Promise<{ data: Float32Array; dim: number }> {
    const [h, w, c] = this.inputShape;
    const feeds = { [this.session.inputNames[0]!]: new this.ort.Tensor('float32', nchw, [m, c, h, w]) };
    const out = (await this.session.run(feeds))[this.session.outputNames[0]!] as OrtTypes.Tensor;
    const dims = out.dims.map(Number);
    const rest = dims.slice(2);
    if (out.type !== 'float32' || dims.length < 2 || dims[0] !== m || rest.some((d) => d !== 1)) {
      throw new EvalError(
        `${this.name} gives ${out.type} [${dims.join(', ')}] for ${m} images: a feature model's first output must be one vector per image, [N, D] (or [N, D, 1, 1])`,
      );
    }
    return { data: out.data as Float32Array, dim: dims[1]! };
  }

  async features(images: Float32Array, count: number): Promise<FeatureBatch> {
    const [h, w, c] = this.inputShape;
    const per = h * w * c;
    const [lo, hi] = this.options.range ?? [-1, 1];
    const nchw = new Float32Array(this.batch * per);
    let features: Float32Array | undefined;
    let dim = 0;
    for (let i = 0; i < count; i += this.batch) {
      const m = Math.min(this.batch, count - i);
      // NHWC [-1, 1] -> NCHW [lo, hi]; a short last batch is padded when the batch size is fixed.
      const size = this.fixedBatch ? this.batch : m;
      nchw.fill(0);
      for (let k = 0; k < m; k++)
        for (let p = 0; p < h * w; p++)
          for (let ch = 0; ch < c; ch++)
            nchw[k * per + ch * h * w + p] = lo + ((images[(i + k) * per + p * c + ch]! + 1) / 2) * (hi - lo);
      const out = await this.runBatch(nchw.subarray(0, size * per), size);
      dim = out.dim;
      features ??= new Float32Array(count * dim);
      features.set(out.data.subarray(0, m * dim), i * dim);
    }
    return { features: features ?? new Float32Array(0), dim, count };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
