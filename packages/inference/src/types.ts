/// <reference lib="esnext.disposable" preserve="true" />
import type { GeneratorKind, Layout } from '@ganforge/contracts/onnx';
import type { InferenceSession } from 'onnxruntime-common';
import type { InterpolationMethod } from './interpolate';

export type { GeneratorKind, Layout, InterpolationMethod };

/** onnxruntime's session options (onnxruntime-common's type, shared by onnxruntime-node and -web). */
export type SessionOptions = InferenceSession.SessionOptions;

/**
 * Execution providers to try, in order, as onnxruntime names them: 'cpu' (Node), 'wasm' (browser),
 * 'webgpu' (Node: onnxruntime-node's bundled WebGPU over Vulkan/Metal/D3D12; browser: needs the
 * WebGPU build, see the Vite plugin), 'cuda', ... or an object with options ({ name: 'webgpu', ... }).
 */
export type ExecutionProviders = NonNullable<SessionOptions['executionProviders']>;

/** What loadGenerator accepts: a path (Node) or URL string (browser), a URL, or the model bytes. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

/** Fills in what a model's metadata and graph do not say (or overrides it). Shapes are per sample. */
export interface LoadOptions {
  latentDim?: number;
  latentShape?: number[];
  /**
   * Per-sample output shape in the order of the output data: [C,H,W] for NCHW, [H,W,C] for NHWC,
   * [H,W,C] or [H,W] for a flat [N, H*W*C] output.
   */
  outputShape?: number[];
  layout?: Layout;
  outputRange?: [number, number];
  kind?: GeneratorKind;
  classNames?: string[];
  /**
   * Browser only: the URL prefix where onnxruntime-web's .wasm files are served. onnxruntime-web loads
   * its runtime once per page (or worker), from the first wasmPaths given: a later load may repeat it or
   * leave it out, and one that names another prefix is refused.
   */
  wasmPaths?: string;
  /**
   * Where the model runs, tried in order: e.g. ['webgpu', 'cpu'] uses WebGPU where an adapter exists
   * and the CPU elsewhere (in a browser: ['webgpu', 'wasm']). A provider that cannot start is skipped
   * while others remain; the last one's failure is the error. `info.executionProvider` names the one
   * used. Default: `sessionOptions.executionProviders`, else onnxruntime's (the CPU in Node, wasm in a
   * browser).
   */
  executionProviders?: ExecutionProviders;
  /**
   * onnxruntime session options, merged (shallowly) over the SDK's DEFAULT_SESSION_OPTIONS
   * (graphOptimizationLevel 'all', executionMode 'sequential', logSeverityLevel 3: errors only), e.g.
   * { intraOpNumThreads: 1 }, or { logSeverityLevel: 2 } to see onnxruntime's warnings.
   */
  sessionOptions?: SessionOptions;
}

/**
 * Where a GeneratorInfo field came from: a load option, the GANForge metadata, the graph's shapes and
 * ops, a run at batch 1 ('probe', for output sizes the graph leaves symbolic), a reading of a flat
 * output's size as a square image ('inferred'), or the default.
 */
export type InfoSource = 'metadata' | 'graph' | 'option' | 'default' | 'probe' | 'inferred';

export interface ImageInfo {
  height: number;
  width: number;
  channels: number;
  layout: Layout;
}

export interface GeneratorInfo {
  kind: GeneratorKind;
  latentDim: number;
  /** Per-sample latent shape as the model's input wants it, e.g. [100] or [100, 1, 1]. */
  latentShape: number[];
  inputName: string;
  labelInputName?: string;
  outputName: string;
  image?: ImageInfo;
  pointDims?: number;
  outputRange: [number, number];
  classNames?: string[];
  /** A conditional generator's classes: how many (labels are 0..count-1) and, when known, their names. */
  classes?: ClassInfo;
  /** The most samples one sample() or interpolate() call takes (MAX_VALUES_PER_CALL over one sample). */
  maxCount: number;
  /**
   * The execution provider the session runs on ('cpu', 'wasm', 'webgpu', ...): set by loadGenerator,
   * absent from describeModel's reading of a model.
   */
  executionProvider?: string;
  preset?: string;
  sourceRun?: string;
  /** Where each field came from, keyed by field name (latentDim, latentShape, kind, image, ...). */
  sources: Record<string, InfoSource>;
}

/** How many classes a conditional generator has, from its metadata, the options or its graph. */
export interface ClassInfo {
  count: number;
  names?: string[];
}

/** What sample() and interpolate() share: cancelling, and the batches a call runs in. */
export interface RunOptions {
  /** Stops the call between batches: it rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
  /**
   * Most samples per session.run (default: all at once, or the model's fixed batch size): smaller
   * batches bound onnxruntime's memory and let `signal` stop a long call sooner.
   */
  batchSize?: number;
}

export interface SampleOptions extends RunOptions {
  count: number;
  /** Seed for the latents (default 1, as everywhere in GANForge); ignored when `latents` is given. */
  seed?: number;
  /** count * latentDim values to use instead of seeded ones. */
  latents?: Float32Array;
  /** One class index per sample, for conditional generators. */
  labels?: number[];
  /** Redraw seeded latent values with |z| > truncation. */
  truncation?: number;
  /** Also return the generator's raw output (tensor order, untransformed). */
  raw?: boolean;
}

export interface InterpolateOptions extends RunOptions {
  method?: InterpolationMethod;
  /** Class index used for every step, for conditional generators. */
  label?: number;
}

export interface ImageSampleResult {
  kind: 'image';
  count: number;
  width: number;
  height: number;
  channels: number;
  /** count * H * W * C values, HWC per image, in [0, 1]. */
  pixels: Float32Array;
  raw?: Float32Array;
  latents: Float32Array;
}

export interface PointsSampleResult {
  kind: 'points';
  count: number;
  dims: number;
  /** count * dims raw generator values. */
  points: Float32Array;
  latents: Float32Array;
}

export type SampleResult = ImageSampleResult | PointsSampleResult;

/** A loaded generator. `await using g = await loadGenerator(...)` disposes it at the end of the scope. */
export interface Generator extends AsyncDisposable {
  info: GeneratorInfo;
  /** count * latentDim seeded standard normal values, bit-identical in Node and Chromium. */
  latents(seed: number, count: number): Float32Array;
  sample(opts: SampleOptions): Promise<SampleResult>;
  /** Endpoints are seeds (one latent each) or latents of length latentDim. */
  interpolate(
    from: number | Float32Array,
    to: number | Float32Array,
    steps: number,
    opts?: InterpolateOptions,
  ): Promise<SampleResult>;
  /** Releases the onnxruntime session (after any call still running); later calls reject. */
  dispose(): Promise<void>;
  /** The same as dispose(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
