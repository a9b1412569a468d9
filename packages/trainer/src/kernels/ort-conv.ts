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
import protobuf from 'protobufjs/minimal.js';
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { Tensor as OrtTensor } from 'onnxruntime-common';
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

// --- a minimal ONNX writer: one graph of Transpose / Conv / ConvTranspose nodes, static shapes ---
type W = protobuf.Writer;
const field = (w: W, f: number, wire: number) => w.uint32((f << 3) | wire);
const str = (w: W, f: number, s: string) => field(w, f, 2).string(s);
const int = (w: W, f: number, v: number) => field(w, f, 0).int64(v);
const sub = (w: W, f: number, body: (w: W) => void) => {
  field(w, f, 2).fork();
  body(w);
  w.ldelim();
};

interface OnnxNode {
  op: string;
  inputs: string[];
  output: string;
  ints?: Record<string, number[]>;
}

function onnxModel(inputs: [string, number[]][], output: [string, number[]], nodes: OnnxNode[]): Uint8Array {
  const valueInfo = (w: W, f: number, name: string, dims: number[]) =>
    sub(w, f, (v) => {
      str(v, 1, name);
      sub(v, 2, (t) =>
        sub(t, 1, (tt) => {
          int(tt, 1, 1); // FLOAT
          sub(tt, 2, (s) => dims.forEach((d) => sub(s, 1, (dim) => int(dim, 1, d))));
        }),
      );
    });
  const w = protobuf.Writer.create();
  int(w, 1, 8); // IR version
  sub(w, 8, (o) => {
    str(o, 1, '');
    int(o, 2, 17);
  });
  sub(w, 7, (g) => {
    for (const n of nodes) {
      sub(g, 1, (nw) => {
        n.inputs.forEach((i) => str(nw, 1, i));
        str(nw, 2, n.output);
        str(nw, 4, n.op);
        for (const [name, values] of Object.entries(n.ints ?? {})) {
          sub(nw, 5, (a) => {
            str(a, 1, name);
            values.forEach((v) => int(a, 8, v));
            int(a, 20, 7); // INTS
          });
        }
      });
    }
    str(g, 2, 'ganforge_kernel');
    inputs.forEach(([n, d]) => valueInfo(g, 11, n, d));
    valueInfo(g, 12, output[0], output[1]);
  });
  return w.finish();
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

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
const HWIO_TO_OIHW = [3, 2, 0, 1];

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
      onnxModel(
        ins,
        ['y', info.outShape],
        [
          { op: 'Transpose', inputs: ['x'], output: 'xt', ints: { perm: NHWC_TO_NCHW } },
          { op: 'Transpose', inputs: ['w'], output: 'wt', ints: { perm: HWIO_TO_OIHW } },
          {
            op: 'Conv',
            inputs: bias ? ['xt', 'wt', 'b'] : ['xt', 'wt'],
            output: 'yt',
            ints: {
              kernel_shape: [kh, kw],
              strides: [info.strideHeight, info.strideWidth],
              dilations: [info.dilationHeight, info.dilationWidth],
              pads: [top, left, bottom, right],
            },
          },
          { op: 'Transpose', inputs: ['yt'], output: 'y', ints: { perm: NCHW_TO_NHWC } },
        ],
      );
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
    // ConvTranspose's size is s(in-1) + k + output_padding - pad_begin - pad_end.
    let endH = sh * (ho - 1) + kh - top - inputShape[1];
    let endW = sw * (wo - 1) + kw - left - inputShape[2];
    const outPadH = Math.max(0, -endH);
    const outPadW = Math.max(0, -endW);
    endH = Math.max(0, endH);
    endW = Math.max(0, endW);
    if (outPadH >= sh || outPadW >= sw) return fallback.kernelFunc(args);
    const key = sig('convT', dy.shape, filter.shape, inputShape, [sh, sw], [top, left, endH, endW]);
    const build = () =>
      onnxModel(
        [
          ['dy', dy.shape],
          ['w', filter.shape],
        ],
        ['y', inputShape],
        [
          { op: 'Transpose', inputs: ['dy'], output: 'dyt', ints: { perm: NHWC_TO_NCHW } },
          // TF.js [kh, kw, in, out] is ConvTranspose's [C (its input), M (its output), kh, kw].
          { op: 'Transpose', inputs: ['w'], output: 'wt', ints: { perm: HWIO_TO_OIHW } },
          {
            op: 'ConvTranspose',
            inputs: ['dyt', 'wt'],
            output: 'yt',
            ints: {
              kernel_shape: [kh, kw],
              strides: [sh, sw],
              pads: [top, left, endH, endW],
              output_padding: [outPadH, outPadW],
            },
          },
          { op: 'Transpose', inputs: ['yt'], output: 'y', ints: { perm: NCHW_TO_NHWC } },
        ],
      );
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
    const bottom = kh - 1 - top + sh * (ho - 1) - (h - 1);
    const right = kw - 1 - left + sw * (wo - 1) - (w - 1);
    // Rows of x that no tap reads (negative pads) would need a crop: the wasm kernel handles those.
    if (bottom < 0 || right < 0) return fallback.kernelFunc(args);
    const key = sig('convF', x.shape, dy.shape, filterShape, [sh, sw], [top, left, bottom, right]);
    const build = () =>
      onnxModel(
        [
          ['x', x.shape],
          ['dy', dy.shape],
        ],
        ['y', filterShape],
        [
          { op: 'Transpose', inputs: ['x'], output: 'xt', ints: { perm: [3, 0, 1, 2] } }, // [ci, n, h, w]
          { op: 'Transpose', inputs: ['dy'], output: 'dyt', ints: { perm: [3, 0, 1, 2] } }, // [co, n, ho, wo]
          {
            op: 'Conv',
            inputs: ['xt', 'dyt'],
            output: 'yt', // [ci, co, kh, kw]
            ints: {
              kernel_shape: [ho, wo],
              strides: [1, 1],
              dilations: [sh, sw],
              pads: [top, left, bottom, right],
            },
          },
          { op: 'Transpose', inputs: ['yt'], output: 'y', ints: { perm: [2, 3, 0, 1] } },
        ],
      );
    return run(args.backend as unknown as WasmBackend, key, build, { x, dy }, filterShape);
  };
  return { ...fallback, kernelFunc };
}
