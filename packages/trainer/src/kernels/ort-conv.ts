/**
 * Convolutions for the wasm backend run natively by onnxruntime-node: each call runs a small cached
 * ONNX graph (NHWC→NCHW transposes around one Conv / ConvTranspose) through the binding's
 * synchronous session, reading its inputs straight from the wasm heap. MLAS's AVX2/AVX-512 kernels
 * are ~3x faster than XNNPACK on wasm SIMD128 on one core (measured: 35 ms vs 100 ms for
 * [64,14,14,64]⊛[4,4,64,128]) and can use more than one core.
 *
 * Same arithmetic as TF.js's kernels: Conv2DBackpropInput is ConvTranspose with TF.js's pads;
 * Conv2DBackpropFilter is a stride-1 convolution dilated by the stride with x's batch and channel
 * axes swapped and dy as the filter. Shapes these graphs do not cover fall back to `fallback`.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { Tensor as OrtTensor } from 'onnxruntime-common';
import { HWIO_TO_OIHW, NCHW_TO_NHWC, NHWC_TO_NCHW, overhang } from '../engine/onnx/conv-math';
import { Graph } from '../engine/onnx/graph';
import { loadOrtBinding, type OrtRuntime, type OrtSession as Session } from './ort-binding';
import { type Pad, type WasmBackend } from './wasm-backend';

type Shape4 = [number, number, number, number];

let enabled = true;
let threads = 1;
let told = false;

/**
 * onnxruntime-node's binding (see ort-binding.ts), or null where it cannot be used: then the wasm kernels
 * run everything, and the reason is printed once (unless onnxruntime-node is simply not installed).
 */
function loadRuntime(): OrtRuntime | null {
  const load = loadOrtBinding();
  if (load.ok) return load.runtime;
  if (!told && !load.why.startsWith('onnxruntime-node is not installed')) {
    told = true;
    console.warn(`note: ${load.why}`);
  }
  return null;
}

/** Why the native convolutions are off, when onnxruntime-node's binding cannot be used. */
export function ortConvUnavailable(): string | undefined {
  const load = loadOrtBinding();
  return load.ok ? undefined : load.why;
}

/** Whether native convolutions are available and switched on. */
export function ortConvActive(): boolean {
  return enabled && loadRuntime() !== null;
}

/** Switches the native convolutions on or off (off: the wasm XNNPACK kernels run). */
export function setOrtConv(on: boolean, intraOpThreads?: number): void {
  enabled = on;
  if (intraOpThreads !== undefined && intraOpThreads !== threads) {
    threads = intraOpThreads;
    sessions.clear();
  }
}

/** A kernel's graph: `build` writes its nodes from the named inputs to the one output, 'y'. */
function kernelGraph(
  inputs: [string, number[]][],
  outShape: number[],
  build: (g: Graph) => string,
): Uint8Array {
  const g = new Graph('ganforge_kernel');
  for (const [name, shape] of inputs) g.input(name, shape);
  g.output(build(g), 'y', outShape);
  return g.encode();
}

const sessions = new Map<string, Session>();

function session(key: string, build: () => Uint8Array): Session {
  let s = sessions.get(key);
  if (!s) {
    const rt = loadRuntime()!;
    const bytes = build();
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    s = new rt.binding.InferenceSession();
    s.loadModel(buf, 0, buf.byteLength, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Spinning worker threads steal the core the caller needs on a busy 2-core machine.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    sessions.set(key, s);
  }
  return s;
}

/** Runs a cached graph on wasm-heap inputs and writes its output into a new wasm tensor. */
function run(
  backend: WasmBackend,
  key: string,
  build: () => Uint8Array,
  feeds: Record<string, TensorInfo>,
  outShape: number[],
): TensorInfo {
  const rt = loadRuntime()!;
  const s = session(key, build);
  const ortFeeds: Record<string, OrtTensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    ortFeeds[name] = new rt.Tensor('float32', backend.typedArrayFromHeap(t) as Float32Array, t.shape);
  }
  const result = s.run(ortFeeds, { y: null }, {}) as unknown as Record<string, { data: Float32Array }>;
  const out = backend.makeOutput(outShape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(result.y!.data);
  return out;
}

/** NHWC to CNHW: a filter gradient's batch and channel axes swapped. */
const NHWC_TO_CNHW = [3, 0, 1, 2];
/** A filter gradient [in, out, kh, kw] as TF.js's [kh, kw, in, out]. */
const IOHW_TO_HWIO = [2, 3, 0, 1];

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dilations?: [number, number] | number;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

const nhwc = (a: ConvAttrs) => a.dataFormat === undefined || a.dataFormat === 'NHWC';
const sig = (...parts: unknown[]) => JSON.stringify(parts);

/** Conv2D and FusedConv2D (bias, linear activation) as a native Conv. */
export function ortConv2d(fallback: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as ConvAttrs;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const linear = attrs.activation === undefined || attrs.activation === 'linear';
    if (!ortConvActive() || !nhwc(attrs) || !linear || preluActivationWeights || !x || !filter)
      return fallback.kernelFunc(args);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== filter.shape[3]))
      return fallback.kernelFunc(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as Shape4,
      filter.shape as Shape4,
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const { top, bottom, left, right } = info.padInfo;
    const [kh, kw] = filter.shape as Shape4;
    const ins: [string, number[]][] = [
      ['x', x.shape],
      ['w', filter.shape],
    ];
    if (bias) ins.push(['b', bias.shape]);
    const key = sig(
      'conv',
      x.shape,
      filter.shape,
      !!bias,
      [info.strideHeight, info.strideWidth],
      [info.dilationHeight, info.dilationWidth],
      [top, left, bottom, right],
    );
    const build = () =>
      kernelGraph(ins, info.outShape, (g) => {
        const inputs = [
          g.transpose('x', NHWC_TO_NCHW),
          g.transpose('w', HWIO_TO_OIHW),
          ...(bias ? ['b'] : []),
        ];
        const y = g.op('Conv', inputs, {
          kernel_shape: { ints: [kh, kw] },
          strides: { ints: [info.strideHeight, info.strideWidth] },
          dilations: { ints: [info.dilationHeight, info.dilationWidth] },
          pads: { ints: [top, left, bottom, right] },
        });
        return g.transpose(y, NCHW_TO_NHWC);
      });
    const feeds: Record<string, TensorInfo> = { x, w: filter };
    if (bias) feeds.b = bias;
    return run(args.backend as unknown as WasmBackend, key, build, feeds, info.outShape);
  };
  return { ...fallback, kernelFunc };
}

/** Conv2DBackpropInput (and so Conv2DTranspose) as a native ConvTranspose. */
export function ortConv2dBackpropInput(fallback: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    if (!ortConvActive() || !nhwc(attrs)) return fallback.kernelFunc(args);
    const inputShape = attrs.inputShape as Shape4;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as Shape4,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const [kh, kw] = filter.shape as Shape4;
    const [sh, sw] = [info.strideHeight, info.strideWidth];
    const [, ho, wo] = dy.shape as Shape4;
    const { top, left } = info.padInfo;
    // ConvTranspose's size is s(in-1) + k + output_padding - pad_begin - pad_end: the rows it makes
    // past the input's end are cut by the end pads; the rows it falls short are output padding.
    const overH = overhang(ho, inputShape[1], kh, sh, top);
    const overW = overhang(wo, inputShape[2], kw, sw, left);
    const [endH, endW] = [Math.max(0, overH), Math.max(0, overW)];
    const [outPadH, outPadW] = [Math.max(0, -overH), Math.max(0, -overW)];
    if (outPadH >= sh || outPadW >= sw) return fallback.kernelFunc(args);
    const key = sig('convT', dy.shape, filter.shape, inputShape, [sh, sw], [top, left, endH, endW]);
    const inputs: [string, number[]][] = [
      ['dy', dy.shape],
      ['w', filter.shape],
    ];
    const build = () =>
      kernelGraph(inputs, inputShape, (g) => {
        // TF.js [kh, kw, in, out] is ConvTranspose's [C (its input), M (its output), kh, kw].
        const y = g.op('ConvTranspose', [g.transpose('dy', NHWC_TO_NCHW), g.transpose('w', HWIO_TO_OIHW)], {
          kernel_shape: { ints: [kh, kw] },
          strides: { ints: [sh, sw] },
          pads: { ints: [top, left, endH, endW] },
          output_padding: { ints: [outPadH, outPadW] },
        });
        return g.transpose(y, NCHW_TO_NHWC);
      });
    return run(args.backend as unknown as WasmBackend, key, build, { dy, w: filter }, inputShape);
  };
  return { ...fallback, kernelFunc };
}

/** Conv2DBackpropFilter as a native dilated Conv with x's batch and channel axes swapped. */
export function ortConv2dBackpropFilter(fallback: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    if (!ortConvActive() || !nhwc(attrs)) return fallback.kernelFunc(args);
    const filterShape = attrs.filterShape as Shape4;
    const [kh, kw] = filterShape;
    const info = backend_util.computeConv2DInfo(
      x.shape as Shape4,
      filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const [sh, sw] = [info.strideHeight, info.strideWidth];
    const [, ho, wo] = dy.shape as Shape4;
    const [, h, w] = x.shape as Shape4;
    const { top, left } = info.padInfo;
    const bottom = overhang(ho, h, kh, sh, top);
    const right = overhang(wo, w, kw, sw, left);
    // Rows of x that no tap reads (negative pads) would need a crop: the wasm kernel handles those.
    if (bottom < 0 || right < 0) return fallback.kernelFunc(args);
    const key = sig('convF', x.shape, dy.shape, filterShape, [sh, sw], [top, left, bottom, right]);
    const inputs: [string, number[]][] = [
      ['x', x.shape],
      ['dy', dy.shape],
    ];
    const build = () =>
      kernelGraph(inputs, filterShape, (g) => {
        // x as [ci, n, h, w] convolved with dy as [co, n, ho, wo]: [ci, co, kh, kw].
        const y = g.op('Conv', [g.transpose('x', NHWC_TO_CNHW), g.transpose('dy', NHWC_TO_CNHW)], {
          kernel_shape: { ints: [ho, wo] },
          strides: { ints: [1, 1] },
          dilations: { ints: [sh, sw] },
          pads: { ints: [top, left, bottom, right] },
        });
        return g.transpose(y, IOHW_TO_HWIO);
      });
    return run(args.backend as unknown as WasmBackend, key, build, { x, dy }, filterShape);
  };
  return { ...fallback, kernelFunc };
}
