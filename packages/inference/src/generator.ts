/** The runtime-neutral Generator: everything except choosing onnxruntime-node or onnxruntime-web. */
import { decodeModel } from './onnx';
import type { ModelProto } from './onnx';
import { describeModel, NeedsProbe } from './info';
import type { ModelDescription } from './info';
import { interpolateLatents } from './interpolate';
import { seededLatents } from './random';
import { toPixels } from './images';
import {
  DisposedError,
  InvalidArgumentError,
  ModelInfoError,
  OnnxModelLoadError,
  ModelRunError,
} from './errors';
import { checkCount, checkLabel, checkLabels, checkRunOptions, throwIfAborted } from './arguments';
import { openSession, ortMessage } from './session';
import type { RuntimeInfo } from './session';
import type { OrtLike, OrtSessionLike, OrtTensorLike } from './backend';
import type {
  Generator,
  GeneratorInfo,
  InterpolateOptions,
  LoadOptions,
  SampleOptions,
  SampleResult,
} from './types';

export { MAX_VALUES_PER_CALL } from './limits';
export { DEFAULT_SESSION_OPTIONS } from './session';

/** The seed sample() draws latents from when none is given: 1, as the command line and the trainer. */
export const DEFAULT_SEED = 1;

/**
 * Parses the model, works out its GeneratorInfo, then opens a session (so bad input fails fast).
 * `runtime` says which provider onnxruntime uses by default ('cpu' in Node, 'wasm' in a browser).
 */
export async function createGenerator(
  bytes: Uint8Array,
  options: LoadOptions,
  ort: OrtLike,
  runtime: RuntimeInfo = { defaultProvider: 'cpu' },
): Promise<Generator> {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxModelLoadError('the model must be given as bytes (a Uint8Array or an ArrayBuffer)');
  }
  if (bytes.length === 0) throw new OnnxModelLoadError('the model is empty (0 bytes): pass a .onnx file');
  const model = parse(bytes);
  let description: ModelDescription | undefined;
  let probe: NeedsProbe | undefined;
  try {
    description = describeModel(model, options);
  } catch (err) {
    if (!(err instanceof NeedsProbe)) throw err;
    probe = err;
  }
  const { session, provider } = await openSession(bytes, options, ort, runtime);
  if (probe) {
    try {
      description = describeModel(model, options, await probeOutput(session, probe, ort));
    } catch (err) {
      await session.release();
      throw err;
    }
  }
  description!.info.executionProvider = provider;
  return new OnnxGenerator(session, description!, ort);
}

/**
 * The output's per-sample shape, from one run at batch 1 on a zero latent (and label 0): for outputs
 * whose sizes the graph leaves symbolic, as torch.onnx.export writes them with dynamic axes. (describeModel
 * has already refused a model whose graph says one sample is too large; this run is for the rest.)
 */
async function probeOutput(session: OrtSessionLike, need: NeedsProbe, ort: OrtLike): Promise<number[]> {
  const { inputName, latentShape, labelInputName, outputName } = need.probe;
  const size = latentShape.reduce((a, b) => a * b, 1);
  const feeds: Record<string, OrtTensorLike> = {
    [inputName]: new ort.Tensor('float32', new Float32Array(size), [1, ...latentShape]),
  };
  if (labelInputName) feeds[labelInputName] = new ort.Tensor('int64', new BigInt64Array(1), [1]);
  let out: Record<string, OrtTensorLike>;
  try {
    out = await session.run(feeds, [outputName]);
  } catch (err) {
    throw new ModelInfoError(
      `${need.message}, and a run at batch 1 to find them failed (${ortMessage(err)}): pass outputShape`,
      { cause: err },
    );
  }
  const tensor = out[outputName];
  const dims = tensor ? tensor.dims.slice(1) : [];
  for (const t of Object.values(out)) t.dispose();
  return dims;
}

function parse(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (err) {
    const why = ortMessage(err);
    // protobuf reads a field length that runs past the end: the bytes stop in the middle of the model.
    if (/index out of range/.test(why)) {
      throw new OnnxModelLoadError(
        `the model ends early after ${bytes.length} bytes (${why}): the file is truncated; download or export it again`,
        { cause: err },
      );
    }
    throw new OnnxModelLoadError(`the model bytes are not an ONNX model (${why}); pass a .onnx file`, {
      cause: err,
    });
  }
  if (!model.graph || (model.graph.node.length === 0 && model.graph.input.length === 0)) {
    throw new OnnxModelLoadError(
      'the model bytes decode to no ONNX graph: this is not an ONNX model (or it is truncated); pass a .onnx file',
    );
  }
  return model;
}

/** One sample() call's work, as run() queues it. */
interface Job {
  latents: Float32Array;
  labels: number[] | undefined;
  count: number;
  batchSize: number | undefined;
  signal: AbortSignal | undefined;
}

class OnnxGenerator implements Generator {
  readonly info: GeneratorInfo;
  /** The last run started or queued; a busy generator queues the next one behind it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Runs started or queued and not yet finished. */
  private active = 0;
  private disposed = false;
  /** Output values per sample. */
  private readonly perSample: number;
  /** Output names to fetch: only the one used, when the graph has others. */
  private readonly fetches: readonly string[] | undefined;
  private dims: readonly number[] = [];

  constructor(
    private readonly session: OrtSessionLike,
    private readonly description: ModelDescription,
    private readonly ort: OrtLike,
  ) {
    this.info = description.info;
    const { image, pointDims, outputName } = this.info;
    this.perSample = image ? image.height * image.width * image.channels : (pointDims ?? 0);
    this.fetches = description.otherOutputs ? [outputName] : undefined;
  }

  latents(seed: number, count: number): Float32Array {
    return seededLatents(seed, count, this.info.latentDim);
  }

  async sample(opts: SampleOptions): Promise<SampleResult> {
    if (!opts || typeof opts !== 'object')
      throw new InvalidArgumentError('sample() needs options: { count, seed? }');
    const count = checkCount(opts.count, this.info, 'count', 'call sample() several times');
    const run = checkRunOptions(opts);
    let latents: Float32Array;
    if (opts.latents !== undefined) {
      if (opts.truncation !== undefined) {
        throw new InvalidArgumentError(
          'truncation applies to seeded latents: pass either latents or truncation',
        );
      }
      if (!(opts.latents instanceof Float32Array) || opts.latents.length !== count * this.info.latentDim) {
        throw new InvalidArgumentError(
          `latents must be a Float32Array of count * latentDim = ${count * this.info.latentDim} values, got ${
            opts.latents instanceof Float32Array ? opts.latents.length : typeof opts.latents
          }`,
        );
      }
      latents = opts.latents;
    } else {
      latents = seededLatents(opts.seed ?? DEFAULT_SEED, count, this.info.latentDim, opts.truncation);
    }
    const labels = checkLabels(this.info, opts.labels, count);
    throwIfAborted(run.signal);
    const raw = await this.run({ latents, labels, count, ...run });
    return this.result(raw, latents, count, opts.raw === true);
  }

  async interpolate(
    from: number | Float32Array,
    to: number | Float32Array,
    steps: number,
    opts: InterpolateOptions = {},
  ): Promise<SampleResult> {
    const a = this.endpoint(from, 'from');
    const b = this.endpoint(to, 'to');
    // Checked before the latents are drawn: a billion steps would not fit in memory.
    if (Number.isInteger(steps) && steps >= 2)
      checkCount(steps, this.info, 'steps', 'interpolate in several calls');
    checkLabel(this.info, opts.label);
    const { batchSize, signal } = checkRunOptions(opts);
    throwIfAborted(signal);
    const latents = interpolateLatents(a, b, steps, opts.method ?? 'slerp');
    const labels = opts.label === undefined ? undefined : new Array<number>(steps).fill(opts.label);
    return this.sample({
      count: steps,
      latents,
      ...(labels ? { labels } : {}),
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.tail.catch(() => undefined);
    await this.session.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  private endpoint(value: number | Float32Array, name: string): Float32Array {
    if (typeof value === 'number') return this.latents(value, 1);
    if (value instanceof Float32Array && value.length === this.info.latentDim) return value;
    throw new InvalidArgumentError(
      `${name} must be a seed or a Float32Array of latentDim = ${this.info.latentDim} values`,
    );
  }

  /**
   * Runs the model, one run at a time per session (onnxruntime-web rejects overlapping runs): an idle
   * generator starts at once, a busy one queues the call behind the last one queued.
   */
  private run(job: Job): Promise<Float32Array> {
    const idle = this.active === 0;
    this.active++;
    let done: Promise<Float32Array>;
    if (idle) done = this.runBatches(job);
    else {
      const go = () => this.runBatches(job);
      done = this.tail.then(go, go);
    }
    this.tail = done;
    return done;
  }

  /**
   * The model over count samples, in batches of the model's fixed batch size (the last one padded) or
   * of `batchSize`; an aborted signal stops the call between batches.
   */
  private async runBatches({ latents, labels, count, batchSize, signal }: Job): Promise<Float32Array> {
    try {
      if (this.disposed) throw new DisposedError('this generator was disposed: load it again');
      throwIfAborted(signal);
      const fixed = this.description.fixedBatch;
      const batch = fixed ?? Math.min(batchSize ?? count, count);
      if (batch === count) {
        const data = await this.runBatch(latents, labels, batch);
        throwIfAborted(signal);
        return data;
      }
      const { latentDim } = this.info;
      const out = new Float32Array(count * this.perSample);
      for (let start = 0; start < count; start += batch) {
        throwIfAborted(signal);
        const n = Math.min(batch, count - start);
        let z = latents.subarray(start * latentDim, (start + n) * latentDim);
        if (n < batch && fixed !== undefined) {
          z = new Float32Array(batch * latentDim);
          z.set(latents.subarray(start * latentDim, (start + n) * latentDim));
        }
        const size = fixed ?? n;
        const chunk = labels && Array.from({ length: size }, (_, i) => labels[start + i] ?? 0);
        const data = await this.runBatch(z, chunk, size);
        out.set(data.subarray(0, n * this.perSample), start * this.perSample);
      }
      throwIfAborted(signal);
      return out;
    } finally {
      this.active--;
    }
  }

  /**
   * One session.run over `batch` samples. The latents go to onnxruntime as they are (no copy) and
   * onnxruntime's output array is returned as it is (CPU tensors own plain JS memory).
   */
  private async runBatch(
    z: Float32Array,
    labels: number[] | undefined,
    batch: number,
  ): Promise<Float32Array> {
    const { inputName, labelInputName, outputName } = this.info;
    const input = new this.ort.Tensor('float32', z, this.inputDims(batch));
    const feeds: Record<string, OrtTensorLike> = { [inputName]: input };
    let label: OrtTensorLike | undefined;
    if (labelInputName && labels) {
      label =
        this.description.labelType === 'int32'
          ? new this.ort.Tensor('int32', Int32Array.from(labels), [batch])
          : new this.ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [batch]);
      feeds[labelInputName] = label;
    }
    let results: Record<string, OrtTensorLike>;
    try {
      results = await (this.fetches ? this.session.run(feeds, this.fetches) : this.session.run(feeds));
    } catch (err) {
      throw new ModelRunError(
        `onnxruntime failed to run the model (${ortMessage(err)}); check the latent shape and label options against the model`,
        { cause: err },
      );
    } finally {
      input.dispose();
      label?.dispose();
    }
    const tensor = results[outputName];
    if (!tensor || !(tensor.data instanceof Float32Array)) {
      throw new ModelRunError(`output '${outputName}' is missing or not float32: pick a float32 output`);
    }
    const data = tensor.data;
    if (data.length !== batch * this.perSample) {
      const per = data.length / batch;
      throw new ModelInfoError(
        `output '${outputName}' has ${per} values per sample, but its info says ${this.perSample}: fix outputShape`,
      );
    }
    return data;
  }

  /** [batch, ...latentShape], kept for the last batch size (most callers repeat one count). */
  private inputDims(batch: number): readonly number[] {
    if (this.dims[0] !== batch) this.dims = [batch, ...this.info.latentShape];
    return this.dims;
  }

  private result(raw: Float32Array, latents: Float32Array, count: number, keepRaw: boolean): SampleResult {
    const { image, pointDims, outputRange } = this.info;
    if (image) {
      // Without raw requested, a one-channel or HWC output is mapped in place: no second array.
      const inPlace = !keepRaw && (image.layout !== 'NCHW' || image.channels === 1);
      const pixels = toPixels(raw, count, image, outputRange, inPlace ? raw : undefined);
      const res: SampleResult = {
        kind: 'image',
        count,
        width: image.width,
        height: image.height,
        channels: image.channels,
        pixels,
        latents,
      };
      if (keepRaw) res.raw = raw;
      return res;
    }
    return { kind: 'points', count, dims: pointDims ?? raw.length / count, points: raw, latents };
  }
}
