import type { GeneratorKind, Layout } from '@ganforge/contracts/onnx';
import type { InterpolationMethod } from './interpolate';

export type { GeneratorKind, Layout, InterpolationMethod };

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
  /** Browser only: the URL prefix where onnxruntime-web's .wasm files are served. */
  wasmPaths?: string;
  /**
   * onnxruntime session options, merged (shallowly) over the SDK's DEFAULT_SESSION_OPTIONS
   * (graphOptimizationLevel 'all', executionMode 'sequential'), e.g.
   * { intraOpNumThreads: 1 }.
   */
  sessionOptions?: Record<string, unknown>;
}

/** Where a GeneratorInfo field came from. */
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
  preset?: string;
  sourceRun?: string;
  /** Where each field came from, keyed by field name (latentDim, latentShape, kind, image, ...). */
  sources: Record<string, InfoSource>;
}

export interface SampleOptions {
  count: number;
  /** Seed for the latents (default 0); ignored when `latents` is given. */
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

export interface InterpolateOptions {
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

export interface Generator {
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
  dispose(): Promise<void>;
}
